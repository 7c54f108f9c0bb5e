"""docker-credential-dtr-desktop answers as Debian's docker-credential-secretservice.

Both helpers run against the same private Secret Service, command for
command, on the inputs docker itself sends (a bare host[:port], or
``https://index.docker.io/v1/`` for Docker Hub). Where dtr-desktop
deliberately differs, the test says so:

- ``version`` prints each program's own version;
- input that is not JSON fails in both, with each one's own message;
- the usage line names each program;
- ``store`` with an empty secret: secretservice saves an entry that ``get``
  then does not find; dtr-desktop refuses it (an integration with a user
  name needs a password);
- ``store`` of another user for a registry that has a login: secretservice
  keeps both and ``get`` answers with either; dtr-desktop updates
  the registry's integration, so the latest ``docker login`` wins.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

OURS = str(Path(sys.executable).with_name("docker-credential-dtr-desktop"))
THEIRS = shutil.which("docker-credential-secretservice") or ""

pytestmark = pytest.mark.skipif(
    not THEIRS,
    reason="install golang-docker-credential-helpers (make deps does)",
)

TRICKY = 'co:lon <b>&amp; "quoted" \\ back пароль 🔑 ' + "x" * 1000


def run(program: str, action: str, stdin: str = "") -> tuple[int, str]:
    done = subprocess.run(
        [program, action],
        input=stdin.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.decode()


def store(user: str, secret: str, server: str) -> str:
    return json.dumps({"ServerURL": server, "Username": user, "Secret": secret})


def forget_secretservice_items() -> None:
    import secretstorage

    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"docker_cli": "1"}):
            item.delete()


@pytest.fixture(autouse=True)
def clean_secretservice() -> Iterator[None]:
    forget_secretservice_items()
    yield
    forget_secretservice_items()


SESSION: list[tuple[str, str]] = [
    ("get", "127.0.0.1:5000"),
    ("list", ""),
    ("get", ""),
    ("erase", ""),
    ("erase", "127.0.0.1:5000"),
    ("store", store("alice", TRICKY, "127.0.0.1:5000")),
    ("store", store("hubber", "hub-token", "https://index.docker.io/v1/")),
    ("store", store("carol", "pw\twith\ttabs", "registry.example.com")),
    ("get", "127.0.0.1:5000"),
    ("get", "127.0.0.1:5000\n"),
    ("get", "https://index.docker.io/v1/"),
    ("get", "registry.example.com"),
    ("list", ""),
    ("store", store("alice", "changed password", "127.0.0.1:5000")),
    ("get", "127.0.0.1:5000"),
    ("list", ""),
    ("store", store("", "x", "127.0.0.1:5001")),
    ("store", store("dave", "x", "")),
    ("get", "127.0.0.1:5001"),
    ("erase", "127.0.0.1:5000"),
    ("get", "127.0.0.1:5000"),
    ("erase", "127.0.0.1:5000"),
    ("erase", "registry.example.com"),
    ("list", ""),
    ("lookup", ""),
]


def test_same_answers_command_for_command() -> None:
    for action, stdin in SESSION:
        theirs = run(THEIRS, action, stdin)
        ours = run(OURS, action, stdin)
        assert ours == theirs, (action, stdin[:40])


def test_the_missing_entry_error_is_the_same_text() -> None:
    expected = (1, "credentials not found in native keychain\n")
    assert run(THEIRS, "get", "nothing.example.com") == expected
    assert run(OURS, "get", "nothing.example.com") == expected


def test_where_they_deliberately_differ() -> None:
    theirs_code, _ = run(THEIRS, "store", "{not json")
    ours_code, ours_text = run(OURS, "store", "{not json")
    assert theirs_code == ours_code == 1 and "JSON" in ours_text
    assert run(THEIRS, "version")[0] == run(OURS, "version")[0] == 0
    assert run(THEIRS, "store", store("erin", "", "empty.example.com")) == (0, "")
    assert run(THEIRS, "get", "empty.example.com")[0] == 1
    code, text = run(OURS, "store", store("erin", "", "empty.example.com"))
    assert code == 1 and "password" in text


def test_a_new_login_for_a_registry_replaces_the_old_one() -> None:
    for program in (THEIRS, OURS):
        run(program, "store", store("alice", "first", "127.0.0.1:5000"))
        run(program, "store", store("bob", "second", "127.0.0.1:5000"))
    theirs = json.loads(run(THEIRS, "get", "127.0.0.1:5000")[1])
    assert theirs["Username"] in ("alice", "bob")  # either item, search order
    assert json.loads(run(OURS, "get", "127.0.0.1:5000")[1]) == {
        "ServerURL": "127.0.0.1:5000",
        "Username": "bob",
        "Secret": "second",
    }
