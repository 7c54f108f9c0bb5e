"""Passwords in the OS keyring, and nowhere else."""

from dtr_desktop.secret_store.errors import (
    KeyringLocked,
    KeyringTimeout,
    NoUsableKeyring,
    SecretStoreError,
)
from dtr_desktop.secret_store.keyring_store import (
    SERVICE_NAME,
    KeyringSecretStore,
    SecretStore,
)

__all__ = [
    "SERVICE_NAME",
    "KeyringLocked",
    "KeyringSecretStore",
    "KeyringTimeout",
    "NoUsableKeyring",
    "SecretStore",
    "SecretStoreError",
]
