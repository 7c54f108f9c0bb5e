"""The docker, import and export commands, run as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dtr_desktop.docker_config.files import read_config
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services

DTR_DESKTOP = str(Path(sys.executable).with_name("dtr-desktop"))


def dtr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DTR_DESKTOP, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_docker_enable_then_disable(
    services: Services, isolated_environment: Path
) -> None:
    draft = IntegrationDraft(name="Local", provider="registry", url="127.0.0.1:5000")
    services.integrations.add(draft, None)
    config = isolated_environment / ".docker" / "config.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"auths": {}, "credsStore": "desktop"}))

    enabled = dtr("docker", "enable", "Local", "--containers")
    assert enabled.returncode == 0, enabled.stderr
    assert f"Updated {config} (previous file kept as" in enabled.stdout
    assert read_config(config) == {
        "auths": {},
        "credsStore": "desktop",
        "credHelpers": {"127.0.0.1:5000": "dtr-desktop"},
    }
    again = dtr("docker", "enable", "Local")
    assert "already uses the dtr-desktop credential helper" in again.stdout

    disabled = dtr("docker", "disable", "Local")
    assert disabled.returncode == 0, disabled.stderr
    assert read_config(config) == {
        "auths": {},
        "credsStore": "desktop",
        "credHelpers": {},
    }
    containers = isolated_environment / ".config" / "containers" / "auth.json"
    assert read_config(containers) == {"credHelpers": {}}


def test_docker_enable_of_an_unknown_integration_fails() -> None:
    done = dtr("docker", "enable", "Nope")
    assert done.returncode == 1 and "no integration named 'Nope'" in done.stderr


def test_export_names_what_it_left_out(services: Services, tmp_path: Path) -> None:
    services.integrations.add(
        IntegrationDraft(
            name="Local", provider="registry", url="127.0.0.1:5000", username="a"
        ),
        "pw",
    )
    services.integrations.add(
        IntegrationDraft(name="Mirror", provider="registry", url="mirror.example"),
        None,
    )
    services.subscriptions.add("CI")
    services.subscriptions.attach("CI", "Local")
    services.subscriptions.attach("CI", "Mirror")
    out = tmp_path / "config.json"
    done = dtr("export", "CI", "--format", "docker-config", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "left out" in done.stderr and "Mirror" in done.stderr
    assert list(json.loads(out.read_text())["auths"]) == ["127.0.0.1:5000"]
    refused = dtr("export", "CI", "--format", "docker-config", "--output", str(out))
    assert refused.returncode == 1 and "exists" in refused.stderr
