"""The administrator's policy file: reading it, checking drafts, applying it.

Knows nothing of Qt. The services call it; the window shows its results.
Applying needs the SQLAlchemy ORM, so ``apply`` is imported on first use:
finding and reading the file stays cheap for commands that start often.
"""

from typing import TYPE_CHECKING, Any

from dtr_desktop.policy.errors import PolicyError, PolicyViolation, Problem
from dtr_desktop.policy.hosts import host_allowed, rule_violations
from dtr_desktop.policy.location import POLICY_ENV, policy_path
from dtr_desktop.policy.model import (
    HostPattern,
    ManagedIntegration,
    ManagedSubscription,
    Policy,
    Rules,
)
from dtr_desktop.policy.parse import parse_policy, read_policy

if TYPE_CHECKING:
    from dtr_desktop.policy.apply import ApplyReport, apply_policy

__all__ = [
    "POLICY_ENV",
    "ApplyReport",
    "HostPattern",
    "ManagedIntegration",
    "ManagedSubscription",
    "Policy",
    "PolicyError",
    "PolicyViolation",
    "Problem",
    "Rules",
    "apply_policy",
    "host_allowed",
    "parse_policy",
    "policy_path",
    "read_policy",
    "rule_violations",
]


def __getattr__(name: str) -> Any:
    if name in ("ApplyReport", "apply_policy"):
        from dtr_desktop.policy import apply

        return getattr(apply, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
