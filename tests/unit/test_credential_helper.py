"""docker-credential-dtr-desktop, run as docker runs it: a process, stdin, stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dtr_desktop.docker_config.fast_secret import CHOICE_FILE, SECRET_SERVICE_BACKEND
from dtr_desktop.docker_config.store_lookup import login_for_host, usernames_by_server
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import DockerInteropService
from tests.conftest import keyring_items

HELPER = str(Path(sys.executable).with_name("docker-credential-dtr-desktop"))
NOT_FOUND = "credentials not found in native keychain\n"
SECRET = 'p:a<s>&s "ü" 🔑'


def helper(action: str, stdin: str = "") -> tuple[int, str]:
    done = subprocess.run(
        [HELPER, action],
        input=stdin.encode(),
        check=False,
        capture_output=True,
        timeout=60,
    )
    assert done.stderr == b""
    return done.returncode, done.stdout.decode()


def store(server: str, user: str, secret: str) -> tuple[int, str]:
    payload = {"ServerURL": server, "Username": user, "Secret": secret}
    return helper("store", json.dumps(payload))


def test_store_get_list_erase(services: Services) -> None:
    assert helper("get", "127.0.0.1:5000") == (1, NOT_FOUND)
    assert helper("list") == (0, "{}\n")
    assert store("127.0.0.1:5000", "alice", SECRET) == (0, "")
    (integration,) = services.integrations.list()
    assert (integration.name, integration.provider) == ("127.0.0.1:5000", "registry")
    code, out = helper("get", "127.0.0.1:5000\n")
    assert code == 0
    assert out == (
        '{"ServerURL":"127.0.0.1:5000","Username":"alice",'
        '"Secret":"p:a\\u003cs\\u003e\\u0026s \\"ü\\" 🔑"}\n'
    )
    assert json.loads(out)["Secret"] == SECRET
    assert helper("list") == (0, '{"127.0.0.1:5000":"alice"}\n')
    assert helper("erase", "127.0.0.1:5000") == (0, "")
    assert helper("get", "127.0.0.1:5000") == (1, NOT_FOUND)
    assert services.integrations.list() == [] and keyring_items() == []


@pytest.mark.parametrize(
    "spelling",
    ["https://127.0.0.1:5000", "https://127.0.0.1:5000/", "http://127.0.0.1:5000/v2/"],
)
def test_get_matches_any_spelling_of_the_registry(spelling: str) -> None:
    store("127.0.0.1:5000", "alice", SECRET)
    code, out = helper("get", spelling)
    assert code == 0 and json.loads(out) == {
        "ServerURL": spelling,
        "Username": "alice",
        "Secret": SECRET,
    }


@pytest.mark.parametrize(
    "spelling",
    ["docker.io", "index.docker.io", "registry-1.docker.io", "Docker.IO"],
)
def test_docker_hub_names_are_one_registry(spelling: str) -> None:
    store("https://index.docker.io/v1/", "hubber", "tok")
    assert json.loads(helper("get", spelling)[1])["Username"] == "hubber"
    assert helper("list") == (0, '{"https://index.docker.io/v1/":"hubber"}\n')


def test_store_updates_the_integration_the_window_shows(services: Services) -> None:
    draft = IntegrationDraft(
        name="Team", provider="registry", url="https://R.example.com", username="old"
    )
    services.integrations.add(draft, "old-pw")
    assert store("r.example.com", "new", "new-pw") == (0, "")
    (integration,) = services.integrations.list()
    assert (integration.name, integration.username) == ("Team", "new")
    assert services.integrations.password(integration.id) == "new-pw"


def test_erase_fails_naming_the_subscriptions(services: Services) -> None:
    store("127.0.0.1:5000", "alice", SECRET)
    for name in ("Build", "Deploy"):
        services.subscriptions.add(name)
        services.subscriptions.attach(name, "127.0.0.1:5000")
    code, out = helper("erase", "127.0.0.1:5000")
    assert code == 1 and "Build, Deploy" in out
    assert json.loads(helper("get", "127.0.0.1:5000")[1])["Secret"] == SECRET


def test_protocol_errors() -> None:
    assert helper("get", "") == (1, "no credentials server URL\n")
    assert helper("erase", " \n") == (1, "no credentials server URL\n")
    assert helper("erase", "never.example.com") == (0, "")
    assert store("", "a", "b") == (1, "no credentials server URL\n")
    assert store("r.example.com", "", "b") == (1, "no credentials username\n")
    code, out = helper("store", "not json")
    assert code == 1 and "not valid JSON" in out
    assert helper("fetch") == (1, "Unknown credential action `fetch`\n")
    assert helper("version")[0] == 0
    done = subprocess.run([HELPER], check=False, capture_output=True, timeout=60)
    assert done.returncode == 1 and done.stdout.startswith(b"Usage: ")


def test_an_anonymous_integration_has_no_credentials(services: Services) -> None:
    draft = IntegrationDraft(name="Mirror", provider="registry", url="mirror.example")
    services.integrations.add(draft, None)
    assert helper("get", "mirror.example") == (1, NOT_FOUND)
    assert helper("list") == (0, "{}\n")


def test_invalid_input_to_store_is_refused_with_a_reason() -> None:
    code, out = store("r.example.com", "al\x00ice", "pw")
    assert code == 1 and "control characters" in out


# -- speed: what the get path loads --------------------------------------------

LOADED = """
import io, sys
sys.stdin = io.TextIOWrapper(io.BytesIO(b"127.0.0.1:5000"))
from dtr_desktop.credential_helper import main
code = main(["get"])
heavy = sorted({m.split(".")[0] for m in sys.modules
               if m.startswith(("PySide6", "sqlalchemy", "keyring", "alembic",
                                "httpx", "secretstorage"))})
print(code, heavy, file=sys.stderr)
"""


def loaded_by_get() -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOADED], check=False, capture_output=True, timeout=60
    )
    assert json.loads(done.stdout)["Secret"] == SECRET
    return done.stderr.decode().strip()


def test_get_loads_no_qt_no_orm_and_no_keyring_once_the_choice_is_known(
    data_dir: Path,
) -> None:
    store("127.0.0.1:5000", "alice", SECRET)
    assert helper("get", "127.0.0.1:5000")[0] == 0  # records keyring's choice
    recorded = json.loads((data_dir / CHOICE_FILE).read_text())
    assert recorded["backend"] == SECRET_SERVICE_BACKEND
    assert loaded_by_get() == "0 []"


STDLIB_LOADED = """
import io, sys
before = set(sys.modules)
sys.stdin = io.TextIOWrapper(io.BytesIO(b"127.0.0.1:5000"))
from dtr_desktop.credential_helper import main
code = main(["get"])
wanted = ("json", "re", "socket", "enum", "typing", "pathlib", "logging")
print(code, sorted(set(sys.modules) - before & set(wanted)), file=sys.stderr)
"""


def test_get_loads_neither_json_nor_re_nor_socket(data_dir: Path) -> None:
    """Each of these costs a few ms of every docker pull's lookup."""
    store("127.0.0.1:5000", "alice", SECRET)
    assert helper("get", "127.0.0.1:5000")[0] == 0  # records keyring's choice
    done = subprocess.run(
        [sys.executable, "-c", STDLIB_LOADED],
        check=False,
        capture_output=True,
        timeout=60,
    )
    assert json.loads(done.stdout)["Secret"] == SECRET
    assert done.stderr.decode().strip() == "0 []"


def test_a_stale_choice_goes_through_keyring_and_is_recorded_again(
    data_dir: Path,
) -> None:
    store("127.0.0.1:5000", "alice", SECRET)
    (data_dir / CHOICE_FILE).write_text(
        json.dumps({"backend": SECRET_SERVICE_BACKEND, "fingerprint": ["other"]})
    )
    assert loaded_by_get() == "0 ['keyring', 'secretstorage']"
    assert loaded_by_get() == "0 []"


def test_keyring_configuration_disables_the_quick_read(
    data_dir: Path, isolated_environment: Path
) -> None:
    store("127.0.0.1:5000", "alice", SECRET)
    helper("get", "127.0.0.1:5000")
    config = isolated_environment / ".config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text(f"[backend]\ndefault-keyring={SECRET_SERVICE_BACKEND}\n")
    assert loaded_by_get() == "0 ['keyring', 'secretstorage']"


# -- the SQL choice and the services' choice agree ----------------------------


def test_sql_lookup_and_services_choose_the_same_integration(
    services: Services, data_dir: Path
) -> None:
    for name, user in (("Anon", ""), ("Second", "bob"), ("Third", "carol")):
        draft = IntegrationDraft(
            name=name, provider="registry", url="https://r.example.com", username=user
        )
        services.integrations.add(draft, "pw" if user else None)
    chosen = DockerInteropService(services).integration_for_server("r.example.com")
    found = login_for_host(data_dir, "r.example.com")
    assert chosen is not None and found is not None
    assert (found.integration_id, found.username) == (chosen.id, "bob")
    assert usernames_by_server(data_dir) == {"r.example.com": "bob"}


def test_the_helper_finds_the_same_data_dir_as_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dtr_desktop import credential_helper, paths

    monkeypatch.setenv("DTR_DESKTOP_DATA_DIR", str(tmp_path / "x" / ".." / "d"))
    assert credential_helper._data_dir() == paths.data_dir()
    monkeypatch.delenv("DTR_DESKTOP_DATA_DIR")
    assert credential_helper._data_dir() == paths.data_dir()
    assert (credential_helper.APP_NAME, credential_helper.DATA_DIR_ENV) == (
        paths.APP_NAME,
        paths.DATA_DIR_ENV,
    )


def test_the_quick_read_asks_for_the_service_the_app_stores_under() -> None:
    from dtr_desktop.docker_config import fast_secret
    from dtr_desktop.secret_store import SERVICE_NAME

    assert fast_secret.SERVICE_NAME == SERVICE_NAME


# -- a helper holding only the quick paths (the Linux package's) -----------------

QUICK_ONLY = """
import sys
from dtr_desktop.credential_helper import main
code = main(sys.argv[2:3], full_program=[sys.argv[1]])
heavy = sorted({m.split(".")[0] for m in sys.modules
               if m.startswith(("keyring", "secretstorage", "sqlalchemy"))})
print(code, heavy, file=sys.stderr)
sys.exit(code)
"""


def quick_only(action: str, stdin: str = "", full: str = HELPER) -> list[str]:
    """Exit code, output and what it loaded, of a helper handing over to ``full``."""
    done = subprocess.run(
        [sys.executable, "-c", QUICK_ONLY, full, action],
        input=stdin.encode(),
        check=False,
        capture_output=True,
        timeout=60,
    )
    return [str(done.returncode), done.stdout.decode(), done.stderr.decode().strip()]


def test_a_quick_only_helper_hands_over_what_needs_keyring_or_the_store(
    services: Services, data_dir: Path
) -> None:
    payload = {"ServerURL": "127.0.0.1:5000", "Username": "alice", "Secret": SECRET}
    assert quick_only("store", json.dumps(payload)) == ["0", "", "0 []"]
    (data_dir / CHOICE_FILE).unlink(missing_ok=True)

    code, out, loaded = quick_only("get", "127.0.0.1:5000")  # keyring, handed over
    assert (code, json.loads(out)["Secret"], loaded) == ("0", SECRET, "0 []")
    assert (data_dir / CHOICE_FILE).exists()
    code, out, loaded = quick_only("get", "127.0.0.1:5000", full="/bin/false")
    assert (code, json.loads(out)["Secret"], loaded) == ("0", SECRET, "0 []")
    assert quick_only("list", full="/bin/false") == [
        "0",
        '{"127.0.0.1:5000":"alice"}\n',
        "0 []",
    ]

    assert quick_only("erase", "127.0.0.1:5000") == ["0", "", "0 []"]
    assert services.integrations.list() == [] and keyring_items() == []
    assert quick_only("get", "127.0.0.1:5000", full="/bin/false") == [
        "1",
        NOT_FOUND,
        "1 []",
    ]
