"""Talking to registries over the Docker Registry HTTP API v2 (no Qt, SQL, keyring).

Start with :class:`RegistryClient`; every failure is a
:class:`~dtr_desktop.registry.errors.RegistryError` whose ``outcome`` and
message are ready to show.
"""

from dtr_desktop.registry.auth import Credentials
from dtr_desktop.registry.certificates import CertificateInfo
from dtr_desktop.registry.client import (
    Access,
    AccessReport,
    LoginResult,
    Page,
    Permission,
    RegistryClient,
    RegistryTarget,
)
from dtr_desktop.registry.errors import (
    OUTCOME_LABELS,
    CheckCancelled,
    Outcome,
    RegistryError,
)
from dtr_desktop.registry.http import Timeouts

__all__ = [
    "OUTCOME_LABELS",
    "Access",
    "AccessReport",
    "CertificateInfo",
    "CheckCancelled",
    "Credentials",
    "LoginResult",
    "Outcome",
    "Page",
    "Permission",
    "RegistryClient",
    "RegistryError",
    "RegistryTarget",
    "Timeouts",
]
