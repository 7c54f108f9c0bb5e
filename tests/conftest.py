"""Fixtures every test shares: its own data dir, settings, HOME and keyring items.

The suite runs inside ``scripts/with-keyring``: a private D-Bus session with
a real, unlocked gnome-keyring. Each test starts with no dtr-desktop secret
in it and every secret it wrote is removed afterwards.
"""

from __future__ import annotations

import os
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from dtr_desktop.secret_store import SERVICE_NAME
from dtr_desktop.services import Services

_ISOLATED_VARIABLES = (
    "DTR_DESKTOP_DATA_DIR",
    "DTR_DESKTOP_POLICY",
    "DOCKER_CONFIG",
    "REGISTRY_AUTH_FILE",
)


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise pytest.UsageError(
            "The tests need the private keyring session: run them with "
            "`make test` or `scripts/with-keyring .venv/bin/pytest`."
        )


def keyring_items() -> list[tuple[str, str]]:
    """(username attribute, secret) of every dtr-desktop item in the keyring."""
    import secretstorage

    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        items = collection.search_items({"service": SERVICE_NAME})
        return [
            (item.get_attributes().get("username", ""), item.get_secret().decode())
            for item in items
        ]


def clear_keyring() -> None:
    import secretstorage

    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": SERVICE_NAME}):
            item.delete()


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh HOME, XDG folders and data dir; no dtr-desktop secrets."""
    home = tmp_path / "home"
    home.mkdir()
    for variable in _ISOLATED_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("DTR_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    # Use with Docker needs docker-credential-dtr-desktop on PATH, as `make
    # run` users have it after linking it; the tests find it in the venv.
    scripts = sysconfig.get_path("scripts")
    monkeypatch.setenv("PATH", f"{scripts}{os.pathsep}{os.environ['PATH']}")
    clear_keyring()
    yield home
    clear_keyring()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path) -> Iterator[Services]:
    opened = Services(data_dir)
    yield opened
    opened.close()


def path_without_helper() -> str:
    """The system's program folders, less any holding an installed helper.

    A machine with the dtr-desktop package installed has the helper in
    /usr/bin; tests of "the helper is not on PATH" must not find that one.
    """
    folders = ("/usr/local/bin", "/usr/bin", "/bin")
    kept = [
        f for f in folders if not (Path(f) / "docker-credential-dtr-desktop").exists()
    ]
    return os.pathsep.join(kept)
