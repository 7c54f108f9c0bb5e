"""The window's start-up keyring check answers without loading keyring."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = (
    "import sys; from pathlib import Path; "
    "from dtr_desktop.secret_store import KeyringSecretStore; "
    "KeyringSecretStore().check_at_start(Path(sys.argv[1])); "
    "print(sorted(m for m in ('keyring', 'secretstorage') if m in sys.modules))"
)


def _check(data_dir: Path, **env: str) -> str:
    import os

    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout.strip()


def test_a_working_secret_service_is_checked_over_dbus_alone(data_dir: Path) -> None:
    assert _check(data_dir) == "[]"


def test_a_configured_keyring_is_checked_through_keyring(data_dir: Path) -> None:
    chosen = "keyring.backends.SecretService.Keyring"

    assert _check(data_dir, PYTHON_KEYRING_BACKEND=chosen) == (
        "['keyring', 'secretstorage']"
    )
