"""Where an administrator puts the policy file on each platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

POLICY_ENV = "DTR_DESKTOP_POLICY"
POLICY_NAME = "policy.toml"


def policy_path(
    platform: str = sys.platform, environ: Mapping[str, str] | None = None
) -> Path:
    """``$DTR_DESKTOP_POLICY``, else the system-wide file of this platform."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(POLICY_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if platform == "win32":
        base = environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / "dtr-desktop" / POLICY_NAME
    if platform == "darwin":
        return Path("/Library/Application Support/dtr-desktop") / POLICY_NAME
    return Path("/etc/dtr-desktop") / POLICY_NAME
