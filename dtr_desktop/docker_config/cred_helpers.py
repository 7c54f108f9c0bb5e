"""Pointing registries at the dtr-desktop credential helper, and back.

Each change rewrites the file atomically with a backup and leaves every
other key as it was. Only ``credHelpers`` entries naming our helper are ever
removed; another tool's helper is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dtr_desktop.docker_config.errors import ConfigFileError
from dtr_desktop.docker_config.files import read_config, write_config
from dtr_desktop.docker_config.locations import FileKind
from dtr_desktop.docker_config.protocol import OUR_HELPER, docker_server_key
from dtr_desktop.domain.validation import registry_host_key

log = logging.getLogger(__name__)

PLAINTEXT_FIELDS = ("auth", "identitytoken")


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file dtr-desktop rewrote, and where the old one was copied to."""

    path: Path
    backup: Path | None


def helper_key(host_key: str, kind: FileKind) -> str:
    """The key a registry has in ``credHelpers`` for this kind of file."""
    return docker_server_key(host_key) if kind == "docker" else host_key


def uses_helper(path: Path, host_key: str, helper: str = OUR_HELPER) -> bool:
    """Whether the file sends this registry to ``helper``."""
    config = read_config(path) or {}
    helpers = config.get("credHelpers")
    if not isinstance(helpers, dict):
        return False
    return any(
        value == helper and _same_host(key, host_key) for key, value in helpers.items()
    )


def enable_helper(
    path: Path, host_key: str, kind: FileKind, helper: str = OUR_HELPER
) -> FileChange | None:
    """Add ``credHelpers[host] = helper``; ``None`` when it was already there."""
    config = read_config(path) or {}
    helpers = _helpers_section(path, config)
    key = helper_key(host_key, kind)
    if helpers.get(key) == helper:
        return None
    helpers[key] = helper
    config["credHelpers"] = helpers
    change = FileChange(path, write_config(path, config))
    log.info("%s now sends %s to the %s helper", path, key, helper)
    return change


def disable_helper(
    path: Path, host_key: str, helper: str = OUR_HELPER
) -> FileChange | None:
    """Remove the registry's entries that name ``helper``; ``None`` if none did."""
    config = read_config(path)
    if config is None:
        return None
    helpers = _helpers_section(path, config)
    ours = [k for k, v in helpers.items() if v == helper and _same_host(k, host_key)]
    if not ours:
        return None
    for key in ours:
        del helpers[key]
    config["credHelpers"] = helpers
    change = FileChange(path, write_config(path, config))
    log.info("%s no longer sends %s to the %s helper", path, host_key, helper)
    return change


def move_to_helper(
    path: Path, host_keys: Iterable[str], kind: FileKind, helper: str = OUR_HELPER
) -> FileChange | None:
    """Drop the plaintext secrets of these registries and use ``helper`` instead.

    The ``auths`` entry itself stays (empty), as docker leaves it when a
    helper holds the secret.
    """
    wanted = set(host_keys)
    config = read_config(path)
    if config is None or not wanted:
        return None
    auths = config.get("auths")
    if isinstance(auths, dict):
        for server, entry in auths.items():
            if isinstance(entry, dict) and _host_in(server, wanted):
                for name in PLAINTEXT_FIELDS:
                    entry.pop(name, None)
    helpers = _helpers_section(path, config)
    for host in sorted(wanted):
        helpers[helper_key(host, kind)] = helper
    config["credHelpers"] = helpers
    return FileChange(path, write_config(path, config))


def _helpers_section(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    helpers = config.get("credHelpers", {})
    if not isinstance(helpers, dict):
        raise ConfigFileError(path, "'credHelpers' is not an object; fix it by hand.")
    return helpers


def _same_host(server: str, host_key: str) -> bool:
    return _host_in(server, {host_key})


def _host_in(server: str, host_keys: set[str]) -> bool:
    try:
        return registry_host_key(server) in host_keys
    except ValueError:
        return False
