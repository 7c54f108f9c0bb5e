"""Export says why each integration was left out: real SQLite and keyring."""

from __future__ import annotations

import json
from pathlib import Path

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import DockerInteropService


def add(services: Services, name: str, url: str, user: str, pw: str | None) -> None:
    draft = IntegrationDraft(name=name, provider="registry", url=url, username=user)
    services.integrations.add(draft, pw)


def test_export_names_the_registry_clash_as_the_reason(
    services: Services, isolated_environment: Path, tmp_path: Path
) -> None:
    add(services, "Prod", "https://reg.example.com", "alice", "pw-1")
    add(services, "Prod again", "reg.example.com", "bob", "pw-2")
    add(services, "Mirror", "https://mirror.example.com", "", None)
    services.subscriptions.add("CI")
    for name in ("Prod", "Prod again", "Mirror"):
        services.subscriptions.attach("CI", name)
    interop = DockerInteropService(services, env={"HOME": str(isolated_environment)})

    result = interop.export("CI", "docker-config", tmp_path / "config.json")

    assert result.integrations == ("Prod",)
    assert result.left_out == ("Mirror", "Prod again")
    assert result.left_out_why == (
        "no user name",
        "same registry as Prod, which is exported",
    )
    assert result.left_out_text == (
        "Mirror (no user name), Prod again (same registry as Prod, which is exported)"
    )
    auths = json.loads((tmp_path / "config.json").read_text())["auths"]
    assert list(auths) == ["reg.example.com"]
