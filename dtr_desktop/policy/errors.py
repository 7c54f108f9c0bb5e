"""Errors of the administrator's policy: a broken file, or a refused change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dtr_desktop.domain.errors import DtrDesktopError, ValidationError


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the policy file; line 0 when no line can be named."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class PolicyError(DtrDesktopError):
    """The policy file cannot be read or says something invalid.

    Nothing of the policy is applied then, and the user's own data is left
    as it was; the message names the file and each offending line.
    """

    def __init__(self, path: Path | None, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = list(problems)
        where = str(path) if path else "The policy"
        details = "; ".join(str(problem) for problem in self.problems)
        super().__init__(
            f"{where} is not a valid dtr-desktop policy ({details}). It was not "
            "applied and your own integrations are unchanged; please tell your "
            "administrator."
        )

    @property
    def first_line(self) -> int:
        return next((p.line for p in self.problems if p.line), 0)


class PolicyViolation(ValidationError):
    """A form value that the administrator's policy does not allow.

    A ``ValidationError`` so the window shows it next to the field it is about.
    """

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        super().__init__(field_errors)
