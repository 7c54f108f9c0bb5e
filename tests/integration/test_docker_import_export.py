"""Round trips with real clients: skopeo's logins in, exported files back to skopeo."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from dtr_desktop.docker_config.files import read_config
from dtr_desktop.docker_config.locations import CredentialFile
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import DockerInteropService, ImportChoice
from dtr_desktop.services.registry_checks import RegistryChecks
from tests.fakes.loopback import LoopbackServer
from tests.fakes.tokens import TokenUser
from tests.integration.registry_servers import RunningRegistry, skopeo_env

pytestmark = pytest.mark.registry

BIN = Path(sys.executable).parent
DTR_DESKTOP = str(BIN / "dtr-desktop")
TRICKY = {
    "colon": "a:b::c:",
    "non-ascii": "пароль-密码-ß-🔑",
    "long": "".join(chr(0x41 + i % 26) for i in range(1000)),
}


@pytest.fixture(params=["registry_tls_htpasswd", "registry_tls_token"])
def registry(request: pytest.FixtureRequest) -> RunningRegistry:
    running: RunningRegistry = request.getfixturevalue(request.param)
    return running


def client_env(home: Path) -> dict[str, str]:
    """skopeo with its own HOME, an empty auth file and our helper on PATH."""
    home.mkdir(parents=True, exist_ok=True)
    env = skopeo_env(home)
    Path(env["REGISTRY_AUTH_FILE"]).write_text("{}")
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    return env


def skopeo(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        ["skopeo", "--insecure-policy", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def list_tags(env: dict[str, str], registry: RunningRegistry, *extra: str) -> set[str]:
    out = skopeo(
        env,
        "list-tags",
        *registry.skopeo_tls_args(""),
        *extra,
        f"docker://{registry.host}/team/app",
    )
    return set(json.loads(out)["Tags"])


def dtr(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DTR_DESKTOP, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def trust_ca(services: Services, name: str, registry: RunningRegistry) -> str:
    """What the person does after an import: add the registry's own CA."""
    integration = services.integrations.get(name)
    draft = replace(integration.draft(), ca_cert_pem=registry.ca_pem)
    services.integrations.edit(integration.id, draft)
    return integration.id


# -- import ---------------------------------------------------------------------


def test_import_a_skopeo_login_then_test_and_use_it(
    registry: RunningRegistry, services: Services, tmp_path: Path
) -> None:
    env = client_env(tmp_path / "home")
    config = tmp_path / "home" / ".docker" / "config.json"
    skopeo(
        env,
        "login",
        "--authfile",
        str(config),
        *registry.skopeo_tls_args(""),
        "--username",
        "alice",
        "--password-stdin",
        registry.host,
        stdin=registry.password("alice"),
    )
    interop = DockerInteropService(services)
    (candidate,) = interop.preview_import([CredentialFile(config, "docker")])
    assert (candidate.host_key, candidate.username) == (registry.host, "alice")
    assert candidate.problem is None and candidate.plaintext

    report = interop.apply_import([ImportChoice(candidate, "create")])
    (name,) = report.created
    integration_id = trust_ca(services, name, registry)
    result = RegistryChecks(services).test_integration(integration_id)
    assert result.ok, result.message

    (change,) = interop.remove_plaintext(report)
    assert change.backup is not None
    assert read_config(config) == {
        "auths": {registry.host: {}},
        "credHelpers": {registry.host: "dtr-desktop"},
    }
    assert {"1.0", "latest"} <= list_tags(env, registry)


@pytest.fixture
def tricky_users(registry_token_service: LoopbackServer) -> Iterator[dict[str, str]]:
    """Users of the token registry whose passwords are hard to carry."""
    users = registry_token_service.route.users  # type: ignore[attr-defined]
    names = {kind: f"tricky-{kind}" for kind in TRICKY}
    for kind, name in names.items():
        users[name] = TokenUser(TRICKY[kind], {"*": frozenset({"pull"})}, False)
    yield names
    for name in names.values():
        users.pop(name, None)


@pytest.mark.parametrize("kind", list(TRICKY))
def test_import_a_hand_made_config_with_a_tricky_password(
    kind: str,
    tricky_users: dict[str, str],
    registry_tls_token: RunningRegistry,
    services: Services,
    tmp_path: Path,
) -> None:
    registry, user, password = registry_tls_token, tricky_users[kind], TRICKY[kind]
    config = tmp_path / "config.json"
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    config.write_text(
        json.dumps({"auths": {f"https://{registry.host}": {"auth": auth}}})
    )
    ca = tmp_path / "ca.pem"
    ca.write_text(registry.ca_pem or "")

    imported = dtr("import", "docker-config", "--file", str(config))
    assert imported.returncode == 0, imported.stderr
    assert "1 created" in imported.stdout
    edited = dtr("integrations", "edit", registry.host, "--ca-file", str(ca))
    assert edited.returncode == 0, edited.stderr
    tested = dtr("integrations", "test", registry.host, "--json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert json.loads(tested.stdout)["ok"] is True

    integration = services.integrations.get(registry.host)
    assert integration.username == user
    assert services.integrations.password(integration.id) == password


def test_dry_run_saves_nothing_and_bad_entries_are_named(
    services: Services, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    good = base64.b64encode(b"alice:pw").decode()
    config.write_text(
        json.dumps(
            {
                "auths": {
                    "good.example.com": {"auth": good},
                    "bad.example.com": {"auth": "%%%"},
                },
                "credHelpers": {"helped.example.com": "not-installed-here"},
            }
        )
    )
    dry = dtr("import", "docker-config", "--file", str(config), "--dry-run")
    assert dry.returncode == 1, "entries that cannot be imported make it fail"
    assert "2 of 3 entries cannot be imported." in dry.stdout
    assert "create good.example.com" in dry.stdout
    assert "cannot import bad.example.com" in dry.stdout and "base64" in dry.stdout
    assert "docker-credential-not-installed-here is not installed" in dry.stdout
    assert services.integrations.list() == []


# -- Use with Docker from the command line ------------------------------------------


def test_docker_enable_lets_skopeo_use_the_integration(
    registry_tls_htpasswd: RunningRegistry, services: Services, tmp_path: Path
) -> None:
    registry = registry_tls_htpasswd
    env = client_env(tmp_path / "home")
    services.integrations.add(
        _draft(registry, "Local registry"), registry.password("alice")
    )
    enabled = subprocess.run(
        [DTR_DESKTOP, "docker", "enable", "Local registry"],
        env={**os.environ, "HOME": env["HOME"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert enabled.returncode == 0, enabled.stderr
    assert {"1.0", "1.1"} <= list_tags(env, registry)


def _draft(registry: RunningRegistry, name: str) -> IntegrationDraft:
    return IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username="alice",
        ca_cert_pem=registry.ca_pem,
    )


# -- export -----------------------------------------------------------------------


@pytest.fixture
def ci_subscription(
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    registry_tls_token: RunningRegistry,
) -> str:
    services.subscriptions.add("CI")
    for registry in (registry_tls_htpasswd, registry_tls_token):
        services.integrations.add(_draft(registry, registry.name), registry.password())
        services.subscriptions.attach("CI", registry.name)
    return "CI"


def test_skopeo_authenticates_with_the_exported_config(
    ci_subscription: str,
    registry_tls_htpasswd: RunningRegistry,
    registry_tls_token: RunningRegistry,
    tmp_path: Path,
) -> None:
    exported = tmp_path / "ci-config.json"
    done = dtr(
        "export",
        ci_subscription,
        "--format",
        "docker-config",
        "--output",
        str(exported),
    )
    assert done.returncode == 0, done.stderr
    assert "Warning:" in done.stderr and "passwords" in done.stderr
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    env = client_env(tmp_path / "home")
    for registry in (registry_tls_htpasswd, registry_tls_token):
        tags = list_tags(env, registry, "--authfile", str(exported))
        assert {"1.0", "1.1", "latest"} <= tags


def test_skopeo_authenticates_with_the_kubernetes_secret(
    ci_subscription: str, registry_tls_token: RunningRegistry, tmp_path: Path
) -> None:
    manifest = tmp_path / "secret.yaml"
    done = dtr(
        "export",
        ci_subscription,
        "--format",
        "k8s-secret",
        "--output",
        str(manifest),
    )
    assert done.returncode == 0, done.stderr
    text = manifest.read_text()
    assert "type: kubernetes.io/dockerconfigjson" in text
    encoded = text.split(".dockerconfigjson: ", 1)[1].strip()
    unpacked = tmp_path / "from-secret.json"
    unpacked.write_bytes(base64.b64decode(encoded))
    env = client_env(tmp_path / "home")
    assert "1.0" in list_tags(env, registry_tls_token, "--authfile", str(unpacked))
