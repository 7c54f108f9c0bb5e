"""The administrator's policy file: reading it, checking drafts, applying it.

Knows nothing of Qt. The services call it; the window shows its results.
"""

from dtr_desktop.policy.apply import ApplyReport, apply_policy
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
