"""Where docker, podman, buildah and skopeo keep their credentials."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FileKind = Literal["docker", "containers"]


@dataclass(frozen=True, slots=True)
class CredentialFile:
    """A credentials file and which family of tools reads it."""

    path: Path
    kind: FileKind


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def docker_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    env = os.environ if env is None else env
    folder = env.get("DOCKER_CONFIG")
    if folder:
        return Path(folder).expanduser() / "config.json"
    return _home(env) / ".docker" / "config.json"


def containers_auth_paths(env: Mapping[str, str] | None = None) -> list[Path]:
    """The containers auth files in the order podman and skopeo consult them.

    ``REGISTRY_AUTH_FILE`` replaces the per-login file under
    ``$XDG_RUNTIME_DIR``; the one under the config folder is read as well.
    """
    env = os.environ if env is None else env
    found: list[Path] = []
    override = env.get("REGISTRY_AUTH_FILE")
    if override:
        found.append(Path(override).expanduser())
    elif env.get("XDG_RUNTIME_DIR"):
        found.append(Path(env["XDG_RUNTIME_DIR"]) / "containers" / "auth.json")
    config_home = env.get("XDG_CONFIG_HOME") or str(_home(env) / ".config")
    found.append(Path(config_home) / "containers" / "auth.json")
    return list(dict.fromkeys(found))


def containers_auth_path(env: Mapping[str, str] | None = None) -> Path:
    """The file ``podman login`` writes to: the first of the list above."""
    return containers_auth_paths(env)[0]


def credential_files(env: Mapping[str, str] | None = None) -> list[CredentialFile]:
    """Every credentials file an import looks at, existing or not."""
    files = [CredentialFile(docker_config_path(env), "docker")]
    files += [CredentialFile(p, "containers") for p in containers_auth_paths(env)]
    return files
