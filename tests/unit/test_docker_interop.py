"""Import, export and Use with Docker via the services: real SQLite and keyring."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from dtr_desktop.docker_config.files import read_config
from dtr_desktop.docker_config.locations import CredentialFile
from dtr_desktop.domain.errors import IntegrationInUse, ValidationError
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import (
    EXPORT_WARNING,
    DockerInteropError,
    DockerInteropService,
    ImportChoice,
    kubernetes_name,
)
from tests.conftest import keyring_items

TRICKY = "co:lon-пароль-" + "ß" * 30


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def home(isolated_environment: Path) -> Path:
    return isolated_environment


@pytest.fixture
def interop(services: Services, home: Path) -> DockerInteropService:
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return DockerInteropService(services, env=env)


def docker_config(home: Path, value: object) -> Path:
    path = home / ".docker" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))
    return path


def add(services: Services, name: str, url: str, user: str = "bob") -> None:
    draft = IntegrationDraft(name=name, provider="registry", url=url, username=user)
    services.integrations.add(draft, "existing-pw" if user else None)


# -- import -------------------------------------------------------------------------


def test_preview_marks_registries_that_already_have_an_integration(
    services: Services, interop: DockerInteropService, home: Path
) -> None:
    add(services, "Team registry", "https://registry.example.com:5000")
    docker_config(
        home,
        {
            "auths": {
                "registry.example.com:5000": {"auth": b64("alice:pw1")},
                "https://New.Example.com/": {"auth": b64(f"carol:{TRICKY}")},
                "broken.example.com": {"auth": "!!"},
            }
        },
    )
    preview = {c.server: c for c in interop.preview_import()}
    old, new, broken = (
        preview["registry.example.com:5000"],
        preview["https://New.Example.com/"],
        preview["broken.example.com"],
    )
    assert old.existing == ("Team registry",) and old.suggested_action == "skip"
    assert new.existing == () and new.suggested_action == "create"
    assert new.host_key == "new.example.com" and new.username == "carol"
    assert broken.problem and not broken.importable
    assert "TRICKY" not in repr(new) and TRICKY not in repr(new)


def test_import_creates_updates_and_skips_by_choice(
    services: Services, interop: DockerInteropService, home: Path
) -> None:
    add(services, "Team registry", "https://registry.example.com:5000")
    docker_config(
        home,
        {
            "auths": {
                "registry.example.com:5000": {"auth": b64("alice:pw1")},
                "new.example.com": {"auth": b64(f"carol:{TRICKY}")},
                "skipped.example.com": {"auth": b64("dave:pw3")},
                "broken.example.com": {"auth": b64("no colon")},
            }
        },
    )
    preview = {c.server: c for c in interop.preview_import()}
    report = interop.apply_import(
        [
            ImportChoice(preview["registry.example.com:5000"], "update"),
            ImportChoice(preview["new.example.com"], "create"),
            ImportChoice(preview["skipped.example.com"], "skip"),
            ImportChoice(preview["broken.example.com"], "create"),
        ]
    )
    assert report.created == ["new.example.com"]
    assert report.updated == ["Team registry"]
    assert [o.candidate.server for o in report.failed] == ["broken.example.com"]
    names = {i.name: i for i in services.integrations.list()}
    assert set(names) == {"Team registry", "new.example.com"}
    created = names["new.example.com"]
    assert (created.provider, created.url, created.username) == (
        "registry",
        "https://new.example.com",
        "carol",
    )
    assert services.integrations.password(created.id) == TRICKY
    updated = names["Team registry"]
    assert updated.username == "alice"
    assert services.integrations.password(updated.id) == "pw1"
    assert sorted(secret for _, secret in keyring_items()) == sorted(["pw1", TRICKY])


def test_a_second_import_gets_a_unique_name(
    services: Services, interop: DockerInteropService, home: Path
) -> None:
    add(services, "new.example.com", "https://other.example.com")
    docker_config(home, {"auths": {"new.example.com": {"auth": b64("c:pw")}}})
    (candidate,) = interop.preview_import()
    report = interop.apply_import([ImportChoice(candidate, "create")])
    assert report.created == ["new.example.com (2)"]


def test_remove_plaintext_keeps_a_backup_and_switches_to_the_helper(
    interop: DockerInteropService, home: Path
) -> None:
    path = docker_config(
        home,
        {
            "auths": {
                "new.example.com": {"auth": b64("carol:pw")},
                "kept.example.com": {"auth": b64("erin:pw")},
            },
            "credsStore": "",
            "currentContext": "default",
        },
    )
    original = path.read_text()
    preview = {c.server: c for c in interop.preview_import()}
    report = interop.apply_import(
        [
            ImportChoice(preview["new.example.com"], "create"),
            ImportChoice(preview["kept.example.com"], "skip"),
        ]
    )
    (change,) = interop.remove_plaintext(report)
    assert change.backup is not None and change.backup.read_text() == original
    assert read_config(path) == {
        "auths": {
            "new.example.com": {},
            "kept.example.com": {"auth": b64("erin:pw")},
        },
        "credsStore": "",
        "currentContext": "default",
        "credHelpers": {"new.example.com": "dtr-desktop"},
    }


def test_preview_reads_only_the_file_given(
    interop: DockerInteropService, tmp_path: Path
) -> None:
    path = tmp_path / "auth.json"
    path.write_text(json.dumps({"auths": {"quay.io/team": {"auth": b64("q:pw")}}}))
    (candidate,) = interop.preview_import([CredentialFile(path, "containers")])
    assert (candidate.host_key, candidate.kind) == ("quay.io", "containers")


# -- Use with Docker ------------------------------------------------------------


def test_enable_and_disable_docker(
    services: Services, interop: DockerInteropService, home: Path
) -> None:
    add(services, "Local", "https://127.0.0.1:5000")
    path = docker_config(home, {"auths": {}, "psFormat": "{{.ID}}"})
    link = interop.enable_docker("Local", ("docker", "containers"))
    assert link.server == "127.0.0.1:5000" and link.answered_by == "Local"
    assert [c.path for c in link.changes] == [
        path,
        home / ".config" / "containers" / "auth.json",
    ]
    assert read_config(path) == {
        "auths": {},
        "psFormat": "{{.ID}}",
        "credHelpers": {"127.0.0.1:5000": "dtr-desktop"},
    }
    assert interop.docker_enabled("Local") == {"docker": True, "containers": True}
    assert len(interop.disable_docker("Local")) == 2
    assert interop.docker_enabled("Local") == {"docker": False, "containers": False}
    assert read_config(path) == {"auths": {}, "psFormat": "{{.ID}}", "credHelpers": {}}


def test_enable_says_which_integration_docker_will_get(
    services: Services, interop: DockerInteropService
) -> None:
    add(services, "First", "https://r.example.com")
    add(services, "Second", "https://R.example.com/")
    assert interop.enable_docker("Second").answered_by == "First"


# -- the helper's store and erase ---------------------------------------------------


def test_store_login_creates_then_updates(
    services: Services, interop: DockerInteropService
) -> None:
    created = interop.store_login("127.0.0.1:5000", "alice", "pw1")
    assert (created.name, created.url, created.provider) == (
        "127.0.0.1:5000",
        "https://127.0.0.1:5000",
        "registry",
    )
    updated = interop.store_login("https://127.0.0.1:5000/", "bob", "pw2")
    assert updated.id == created.id and updated.username == "bob"
    assert services.integrations.password(created.id) == "pw2"
    hub = interop.store_login("https://index.docker.io/v1/", "hubuser", "tok")
    assert (hub.name, hub.url) == ("docker.io", "https://registry-1.docker.io")


def test_store_login_over_plain_http_marks_it_insecure(
    interop: DockerInteropService,
) -> None:
    stored = interop.store_login("http://127.0.0.1:5001", "alice", "pw")
    assert stored.insecure and stored.url == "http://127.0.0.1:5001"


def test_erase_login_refuses_while_subscriptions_use_it(
    services: Services, interop: DockerInteropService
) -> None:
    stored = interop.store_login("127.0.0.1:5000", "alice", "pw1")
    services.subscriptions.add("CI")
    services.subscriptions.attach("CI", stored.name)
    with pytest.raises(IntegrationInUse, match="CI"):
        interop.erase_login("127.0.0.1:5000")
    services.subscriptions.detach("CI", stored.name)
    erased = interop.erase_login("127.0.0.1:5000")
    assert erased is not None and erased.id == stored.id
    assert services.integrations.list() == []
    assert interop.erase_login("127.0.0.1:5000") is None
    assert keyring_items() == []


# -- export -----------------------------------------------------------------------


@pytest.fixture
def subscription(services: Services) -> str:
    add(services, "Local", "https://127.0.0.1:5000", "alice")
    services.integrations.edit(
        services.integrations.get("Local").id,
        services.integrations.get("Local").draft(),
        TRICKY,
    )
    add(services, "Hub", "https://registry-1.docker.io", "hubber")
    add(services, "Anonymous", "https://mirror.example.com", "")
    services.subscriptions.add("CI Pipeline")
    for name in ("Local", "Hub", "Anonymous"):
        services.subscriptions.attach("CI Pipeline", name)
    return "CI Pipeline"


def test_export_docker_config(
    interop: DockerInteropService, subscription: str, tmp_path: Path
) -> None:
    out = tmp_path / "ci" / "config.json"
    out.parent.mkdir()
    result = interop.export(subscription, "docker-config", out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text()) == {
        "auths": {
            "127.0.0.1:5000": {"auth": b64(f"alice:{TRICKY}")},
            "https://index.docker.io/v1/": {"auth": b64("hubber:existing-pw")},
        }
    }
    assert result.left_out == ("Anonymous",)
    assert result.warning == EXPORT_WARNING and "passwords" in result.warning
    with pytest.raises(DockerInteropError, match="exists"):
        interop.export(subscription, "docker-config", out)
    out.chmod(0o644)
    interop.export(subscription, "docker-config", out, overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_kubernetes_secret(
    interop: DockerInteropService, subscription: str, tmp_path: Path
) -> None:
    out = tmp_path / "secret.yaml"
    interop.export(subscription, "k8s-secret", out)
    lines = out.read_text().splitlines()
    assert lines[:6] == [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: ci-pipeline",
        "type: kubernetes.io/dockerconfigjson",
        "data:",
    ]
    key, _, value = lines[6].strip().partition(": ")
    assert key == ".dockerconfigjson"
    decoded = json.loads(base64.b64decode(value))
    assert decoded["auths"]["127.0.0.1:5000"] == {"auth": b64(f"alice:{TRICKY}")}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_without_any_login_refuses(
    services: Services, interop: DockerInteropService, tmp_path: Path
) -> None:
    add(services, "Anonymous", "https://mirror.example.com", "")
    services.subscriptions.add("Empty")
    services.subscriptions.attach("Empty", "Anonymous")
    with pytest.raises(DockerInteropError, match="no integration"):
        interop.export("Empty", "docker-config", tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("CI Pipeline", "ci-pipeline"),
        ("--Ünïcode__x--", "unicode-x"),
        ("Ünïcode Sub", "unicode-sub"),
        ("a..b", "a.b"),
        ("a.-b", "a.b"),
        ("web-.shop", "web.shop"),
        ("!!", "registry-credentials"),
    ],
)
def test_kubernetes_names(text: str, name: str) -> None:
    assert kubernetes_name(text) == name


def test_one_registry_listed_twice_is_imported_once(
    services: Services, interop: DockerInteropService, home: Path
) -> None:
    docker_config(
        home,
        {
            "auths": {
                "good.example.test": {"auth": b64("alice:pw1")},
                "GOOD.EXAMPLE.TEST": {"auth": b64("alice:pw2")},
                "https://index.docker.io/v1/": {"auth": b64("hub:pw3")},
                "docker.io": {"auth": b64("hub:pw4")},
            }
        },
    )

    candidates = interop.preview_import()
    report = interop.apply_import(
        [ImportChoice(c, c.suggested_action) for c in candidates]
    )

    assert [c.importable for c in candidates] == [True, False, True, False]
    assert "the same registry as good.example.test" in (candidates[1].problem or "")
    assert sorted(report.created) == ["docker.io", "good.example.test"]
    assert len(keyring_items()) == 2


@pytest.mark.parametrize(
    "server", ["ftp://prod.example.test", "https://u:p@prod.example.test"]
)
def test_store_login_refuses_what_a_registry_url_may_not_be(
    services: Services, interop: DockerInteropService, server: str
) -> None:
    add(services, "Prod", "https://prod.example.test")

    with pytest.raises(ValidationError):
        interop.store_login(server, "someone-else", "other")

    assert services.integrations.get("Prod").username == "bob"
    assert [secret for _, secret in keyring_items()] == ["existing-pw"]


def test_export_to_a_missing_folder_says_so(
    interop: DockerInteropService, subscription: str, tmp_path: Path
) -> None:
    with pytest.raises(DockerInteropError, match="could not be written"):
        interop.export(subscription, "docker-config", tmp_path / "nope" / "c.json")
