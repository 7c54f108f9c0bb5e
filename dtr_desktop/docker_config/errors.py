"""What can go wrong with docker and containers credential files and helpers."""

from __future__ import annotations

from pathlib import Path

from dtr_desktop.domain.errors import DtrDesktopError


class DockerConfigError(DtrDesktopError):
    """Base of the errors about credential files and credential helpers."""


class ConfigFileError(DockerConfigError):
    """A config file that cannot be read, parsed or written."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CredentialHelperError(DockerConfigError):
    """A credential helper that is missing, failed or did not answer."""

    def __init__(self, helper: str, reason: str) -> None:
        self.helper = helper
        self.reason = reason
        super().__init__(f"credential helper {helper!r}: {reason}")
