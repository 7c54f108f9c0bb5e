"""The administrator's policy as the front ends use it.

``apply_policy_at_start`` is what the window and the command line call when
they start; the integration service asks ``check_integration`` before it
saves a new registry address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dtr_desktop.domain.errors import DtrDesktopError
from dtr_desktop.domain.values import IntegrationDraft

if TYPE_CHECKING:
    from dtr_desktop.policy import ApplyReport, Policy, Rules
    from dtr_desktop.services.app import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[str, int, int]
    policy: Policy | None


class PolicyService:
    def __init__(self, services: Services, path: Path | None = None) -> None:
        self._services = services
        self._path = path
        self._cached: _Cached | None = None

    @property
    def path(self) -> Path:
        from dtr_desktop.policy import policy_path

        return self._path or policy_path()

    def load(self) -> Policy | None:
        """The policy in force, None without a file; PolicyError when it is broken.

        Read again only when the file changed, so checks on every save are cheap.
        """
        from dtr_desktop.policy import read_policy

        path = self.path
        stamp = _stamp(path)
        if self._cached is not None and self._cached.stamp == stamp:
            return self._cached.policy
        policy = read_policy(path)
        self._cached = _Cached(stamp, policy)
        return policy

    def rules(self) -> Rules:
        """The rules to check drafts against; a broken file refuses new addresses."""
        from dtr_desktop.policy import PolicyError, PolicyViolation, Rules

        try:
            policy = self.load()
        except PolicyError as error:
            raise PolicyViolation(
                {
                    "url": "Your administrator's policy file is invalid, so new "
                    f"registry addresses cannot be checked against it: {error}"
                }
            ) from None
        return policy.rules if policy else Rules()

    def attaches(self, subscription: str, integration_key: str) -> bool:
        """Whether the policy itself attaches that integration to that subscription."""
        from dtr_desktop.domain.validation import name_key
        from dtr_desktop.policy import PolicyError

        try:
            policy = self.load()
        except PolicyError:
            return False
        wanted = name_key(subscription)
        return any(
            name_key(managed.name) == wanted
            and integration_key in managed.integration_keys
            for managed in (policy.subscriptions if policy else ())
        )

    def check_integration(
        self, draft: IntegrationDraft, current: IntegrationDraft | None = None
    ) -> None:
        """Raise PolicyViolation unless the policy allows this URL and insecure flag.

        An edit that keeps the URL and the flag as they were is always allowed,
        so a user can still change the password of an older integration.
        """
        from dtr_desktop.policy import PolicyViolation, rule_violations

        if current is not None and (current.url, current.insecure) == (
            draft.url,
            draft.insecure,
        ):
            return
        problems = rule_violations(self.rules(), draft.url, draft.insecure)
        if problems:
            raise PolicyViolation(problems)

    def apply(self) -> ApplyReport:
        """Bring the database in line with the file; PolicyError leaves it as it is."""
        from dtr_desktop.policy import Policy, apply_policy

        policy = self.load() or Policy()
        with self._services.session() as session:
            report = apply_policy(session, policy)
        for line in report.lines():
            log.info("policy %s: %s", self.path, line)
        return report


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        status = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), status.st_mtime_ns, status.st_size)


def apply_policy_at_start(services: Services) -> list[str]:
    """Apply the policy; return what the user should be told, never raise.

    A broken policy file or database is reported and the app goes on with
    the user's data as it was. Without a policy file there is nothing to
    apply unless an earlier policy left managed entries to release; that is
    checked with one plain query first, so commands on machines without a
    policy do not load the ORM for it.
    """
    from dtr_desktop.policy import PolicyError

    if not _policy_to_apply(services):
        return []
    try:
        report = services.policy.apply()
    except PolicyError as error:
        log.warning("policy not applied: %s", error)
        return [str(error)]
    except DtrDesktopError as error:
        log.warning("policy not applied: %s", error)
        return [f"The policy could not be applied: {error}"]
    return report.warnings


def _policy_to_apply(services: Services) -> bool:
    """False only when applying would provably change and report nothing."""
    from dtr_desktop.store.direct import holds_policy_entries

    if _stamp(services.policy.path)[1] != -1:
        return True
    return holds_policy_entries(services.data_dir)
