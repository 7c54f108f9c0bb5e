"""skopeo gets its logins from docker-credential-dtr-desktop, and from nothing else.

skopeo runs with a temporary HOME whose ``~/.docker/config.json`` only names
the helper in ``credHelpers``, and ``REGISTRY_AUTH_FILE`` pointing at an
empty auth file (``{}``), so the integration in dtr-desktop is the only
login it can find.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from tests.integration.registry_servers import (
    SEEDED,
    RunningRegistry,
    skopeo_env,
)

pytestmark = pytest.mark.registry

REGISTRIES = ("registry_tls_htpasswd", "registry_tls_token")


@pytest.fixture(params=REGISTRIES)
def registry(request: pytest.FixtureRequest) -> RunningRegistry:
    running: RunningRegistry = request.getfixturevalue(request.param)
    return running


def helper_home(scratch: Path, hosts: list[str]) -> dict[str, str]:
    """skopeo's environment: only the dtr-desktop helper can give a login."""
    docker = scratch / ".docker"
    docker.mkdir(parents=True)
    helpers = dict.fromkeys(hosts, "dtr-desktop")
    (docker / "config.json").write_text(json.dumps({"credHelpers": helpers}))
    env = skopeo_env(scratch)
    Path(env["REGISTRY_AUTH_FILE"]).write_text("{}")  # a 0-byte file is an error
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def skopeo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["skopeo", "--insecure-policy", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def add_integration(
    services: Services, registry: RunningRegistry, user: str = "alice"
) -> None:
    draft = IntegrationDraft(
        name=f"{registry.name} {user}",
        provider="registry",
        url=registry.url,
        username=user,
        ca_cert_pem=registry.ca_pem,
    )
    services.integrations.add(draft, registry.password(user))


def test_without_an_integration_skopeo_has_no_login(
    registry: RunningRegistry, tmp_path: Path
) -> None:
    env = helper_home(tmp_path / "home", [registry.host])
    listed = skopeo(
        env,
        "list-tags",
        *registry.skopeo_tls_args(""),
        f"docker://{registry.host}/team/app",
    )
    assert listed.returncode != 0
    assert "unauthorized" in listed.stderr.lower() or "401" in listed.stderr


def test_skopeo_lists_pulls_and_pushes_with_the_helper(
    registry: RunningRegistry, services: Services, tmp_path: Path
) -> None:
    add_integration(services, registry)
    env = helper_home(tmp_path / "home", [registry.host])

    listed = skopeo(
        env,
        "list-tags",
        *registry.skopeo_tls_args(""),
        f"docker://{registry.host}/team/app",
    )
    assert listed.returncode == 0, listed.stderr
    assert set(SEEDED["team/app"]) <= set(json.loads(listed.stdout)["Tags"])

    layout = tmp_path / "pulled"
    pulled = skopeo(
        env,
        "copy",
        *registry.skopeo_tls_args("src"),
        registry.ref("team/app", "1.0"),
        f"oci:{layout}:1.0",
    )
    assert pulled.returncode == 0, pulled.stderr
    assert (layout / "index.json").exists()

    tag = f"helper-{tmp_path.name[-12:]}"
    pushed = skopeo(
        env,
        "copy",
        *registry.skopeo_tls_args("dest"),
        f"oci:{layout}:1.0",
        registry.ref("team/pushed", tag),
    )
    assert pushed.returncode == 0, pushed.stderr
    after = skopeo(
        env,
        "list-tags",
        *registry.skopeo_tls_args(""),
        f"docker://{registry.host}/team/pushed",
    )
    assert tag in json.loads(after.stdout)["Tags"]


def test_a_pull_only_login_cannot_push(
    registry_tls_token: RunningRegistry, services: Services, tmp_path: Path
) -> None:
    registry = registry_tls_token
    add_integration(services, registry, "reader")
    env = helper_home(tmp_path / "home", [registry.host])
    layout = tmp_path / "pulled"
    pulled = skopeo(
        env,
        "copy",
        *registry.skopeo_tls_args("src"),
        registry.ref("team/tools", "1.0"),
        f"oci:{layout}:1.0",
    )
    assert pulled.returncode == 0, pulled.stderr
    pushed = skopeo(
        env,
        "copy",
        *registry.skopeo_tls_args("dest"),
        f"oci:{layout}:1.0",
        registry.ref("team/tools", "reader-push"),
    )
    assert pushed.returncode != 0
