"""The credential helper obeys the policy: locked entries stay, the allow-list holds."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from dtr_desktop.credential_helper import main as helper
from dtr_desktop.services import Services

POLICY = """
[rules]
allowed_hosts = ["dtr.corp.example"]

[[integrations]]
id = "corp"
name = "Corp"
type = "dtr"
url = "https://dtr.corp.example"
"""


def run_helper(monkeypatch: pytest.MonkeyPatch, action: str, stdin: str) -> str:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    monkeypatch.setattr(sys, "stdout", out)
    code = helper([action])
    return f"{code}:{out.getvalue()}"


@pytest.fixture
def managed(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Services:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(path))
    services.policy.apply()
    return services


def test_docker_login_fills_in_the_managed_entry_but_erase_keeps_it(
    managed: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = {"ServerURL": "dtr.corp.example", "Username": "al", "Secret": "pw"}

    assert run_helper(monkeypatch, "store", json.dumps(login)) == "0:"
    corp = managed.integrations.get("Corp")
    assert (corp.username, managed.integrations.password(corp.id)) == ("al", "pw")

    run_helper(monkeypatch, "erase", "https://dtr.corp.example")

    kept = managed.integrations.get_by_id(corp.id)
    assert (kept.name, kept.url, kept.locked) == (
        "Corp",
        "https://dtr.corp.example",
        True,
    )


def test_docker_login_to_a_host_outside_the_allow_list_is_refused(
    managed: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = {"ServerURL": "other.example", "Username": "al", "Secret": "pw"}

    answer = run_helper(monkeypatch, "store", json.dumps(login))

    assert answer.startswith("1:")
    assert "allows only these registry hosts: dtr.corp.example" in answer
    assert [i.name for i in managed.integrations.list()] == ["Corp"]
