"""The administrator's policy file: reading it, checking drafts, applying it.

Knows nothing of Qt. The services call it; the window shows its results.
Only where the file lives is loaded with the package: every command looks
for the file at start, and most machines have none, so the model, the
parser (with ``tomllib``) and the checks load on first use, and ``apply``
(which needs the SQLAlchemy ORM) likewise.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dtr_desktop.policy.location import POLICY_ENV, policy_path

if TYPE_CHECKING:
    from dtr_desktop.policy.apply import ApplyReport, apply_policy
    from dtr_desktop.policy.errors import PolicyError, PolicyViolation, Problem
    from dtr_desktop.policy.hosts import host_allowed, rule_violations
    from dtr_desktop.policy.model import (
        HostPattern,
        ManagedIntegration,
        ManagedSubscription,
        Policy,
        Rules,
    )
    from dtr_desktop.policy.parse import parse_policy, read_policy

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

# The module under dtr_desktop.policy that defines each name loaded on use.
_DEFINED_IN = {
    "ApplyReport": "apply",
    "apply_policy": "apply",
    "PolicyError": "errors",
    "PolicyViolation": "errors",
    "Problem": "errors",
    "host_allowed": "hosts",
    "rule_violations": "hosts",
    "HostPattern": "model",
    "ManagedIntegration": "model",
    "ManagedSubscription": "model",
    "Policy": "model",
    "Rules": "model",
    "parse_policy": "parse",
    "read_policy": "parse",
}


def __getattr__(name: str) -> Any:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
