"""Every command applies the administrator's policy first, as the window does."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from dtr_desktop.cli import main
from dtr_desktop.services import Services

POLICY = """\
[[integrations]]
id = "corp"
name = "Corp"
type = "registry"
url = "https://registry.corp.example"
"""


def run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def use_policy(monkeypatch: pytest.MonkeyPatch, folder: Path, text: str) -> Path:
    path = folder / "policy.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(path))
    return path


def test_a_command_sees_the_policy_integrations_without_policy_apply(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_policy(monkeypatch, tmp_path, POLICY)

    code, out, err = run(monkeypatch, "integrations", "list", "--json")

    assert (code, err) == (0, "")
    listed = json.loads(out)
    assert [(i["name"], i["managed"]) for i in listed] == [("Corp", True)]


def test_policy_apply_still_reports_what_it_changed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_policy(monkeypatch, tmp_path, POLICY)

    assert run(monkeypatch, "policy", "apply")[:2] == (0, "Added: Corp\n")


def test_an_invalid_policy_is_a_warning_naming_the_line_and_the_command_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, services: Services
) -> None:
    from dtr_desktop.domain.values import IntegrationDraft

    services.integrations.add(
        IntegrationDraft("Own", "registry", "https://own.example.com", "me"), "pw"
    )
    path = use_policy(monkeypatch, tmp_path, POLICY + "locked = maybe\n")

    code, out, err = run(monkeypatch, "integrations", "list")

    assert code == 0
    assert "Own" in out and "Corp" not in out
    assert err.startswith("dtr-desktop: warning: ")
    assert str(path) in err and "line 6" in err
