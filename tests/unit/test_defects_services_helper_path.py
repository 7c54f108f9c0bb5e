"""Use with Docker writes nothing docker cannot run: the helper must be on PATH.

Real files in the test's HOME, the real keyring and SQLite; PATH is set to
folders with and without ``docker-credential-dtr-desktop``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from dtr_desktop.docker_config.locations import CredentialFile
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import (
    HELPER_PROGRAM,
    DockerInteropService,
    HelperNotOnPath,
    ImportChoice,
)
from tests.conftest import path_without_helper

DTR_DESKTOP = str(Path(sys.executable).with_name("dtr-desktop"))
INSTALLED = Path(sysconfig.get_path("scripts")) / HELPER_PROGRAM
SYSTEM_PATH = path_without_helper()


@pytest.fixture
def home(isolated_environment: Path) -> Path:
    return isolated_environment


@pytest.fixture
def config(home: Path) -> Path:
    path = home / ".docker" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"auths": {}, "credsStore": "desktop"}))
    return path


def local(services: Services) -> None:
    draft = IntegrationDraft(
        name="Local", provider="registry", url="127.0.0.1:5000", username="dev"
    )
    services.integrations.add(draft, "pw")


def service(services: Services, home: Path, path: str) -> DockerInteropService:
    return DockerInteropService(services, env={"HOME": str(home), "PATH": path})


def test_enable_refuses_when_the_helper_is_not_on_path(
    services: Services, home: Path, config: Path
) -> None:
    local(services)
    before = config.read_bytes()
    interop = service(services, home, SYSTEM_PATH)

    with pytest.raises(HelperNotOnPath) as refused:
        interop.enable_docker("Local")

    assert config.read_bytes() == before
    assert list(config.parent.iterdir()) == [config]
    message = str(refused.value)
    assert f"would not find {HELPER_PROGRAM}" in message
    assert "no file was changed" in message
    assert "packaging/" in message
    assert f"link {INSTALLED} into a folder on your PATH" in message
    assert "~/.local/bin is not on your PATH: add it" in message
    assert not refused.value.setup.can_link


def test_enable_offers_the_link_when_local_bin_is_on_path(
    services: Services, home: Path, config: Path
) -> None:
    local(services)
    local_bin = home / ".local" / "bin"
    interop = service(services, home, f"{local_bin}{os.pathsep}{SYSTEM_PATH}")

    with pytest.raises(HelperNotOnPath) as refused:
        interop.enable_docker("Local")
    assert refused.value.setup.can_link
    assert f"ln -s {INSTALLED} ~/.local/bin/" in str(refused.value)

    link = interop.link_helper()

    assert link == local_bin / HELPER_PROGRAM
    assert link.resolve() == INSTALLED.resolve()
    assert interop.helper_setup().found == link
    interop.enable_docker("Local")
    written = json.loads(config.read_text())
    assert written["credHelpers"] == {"127.0.0.1:5000": "dtr-desktop"}


def test_link_is_refused_when_local_bin_is_not_on_path(
    services: Services, home: Path
) -> None:
    interop = service(services, home, SYSTEM_PATH)

    with pytest.raises(HelperNotOnPath):
        interop.link_helper()

    assert not (home / ".local" / "bin").exists()


def test_remove_plaintext_refuses_when_the_helper_is_not_on_path(
    services: Services, home: Path
) -> None:
    config = home / ".docker" / "config.json"
    config.parent.mkdir()
    auth = "ZGV2OnB3LTE="  # dev:pw-1
    config.write_text(json.dumps({"auths": {"reg.example.com": {"auth": auth}}}))
    before = config.read_bytes()
    interop = service(services, home, SYSTEM_PATH)
    found = interop.preview_import([CredentialFile(config, "docker")])
    report = interop.apply_import([ImportChoice(found[0], "create")])

    with pytest.raises(HelperNotOnPath):
        interop.remove_plaintext(report)

    assert config.read_bytes() == before


def test_cli_enable_says_what_to_do(
    services: Services, home: Path, config: Path
) -> None:
    local(services)
    before = config.read_bytes()
    env = dict(os.environ, PATH=SYSTEM_PATH)

    done = subprocess.run(
        [DTR_DESKTOP, "docker", "enable", "Local"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )

    assert done.returncode == 1
    assert f"would not find {HELPER_PROGRAM}" in done.stderr
    assert f"link {INSTALLED} into a folder on your PATH" in done.stderr
    assert config.read_bytes() == before
