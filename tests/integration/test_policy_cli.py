"""The policy and bulk commands, run in-process against the real keyring."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pytest

from dtr_desktop.cli import main
from dtr_desktop.services import Services
from tests.conftest import keyring_items

POLICY = """
[rules]
allowed_hosts = ["*.corp.example"]

[[integrations]]
id = "corp"
name = "Corp"
type = "registry"
url = "https://registry.corp.example"
"""


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(path))
    return path


def run(
    monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    import sys

    captured_out, captured_err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", captured_out)
    monkeypatch.setattr(sys, "stderr", captured_err)
    code = main(list(argv))
    return code, captured_out.getvalue(), captured_err.getvalue()


def test_policy_apply_then_locked_fields_refused_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, policy_file: Path
) -> None:
    code, out, _ = run(monkeypatch, "policy", "apply")
    assert (code, out) == (0, "Added: Corp\n")

    code, _, err = run(
        monkeypatch, "integrations", "edit", "Corp", "--url", "x.corp.example"
    )
    assert code == 1
    assert "managed by your administrator's policy: its url cannot be changed" in err

    code, _, err = run(monkeypatch, "integrations", "delete", "Corp", "--yes")
    assert (code, "cannot be deleted" in err) == (1, True)

    code, _, _ = run(
        monkeypatch,
        "integrations",
        "edit",
        "Corp",
        "--username",
        "alice",
        "--password-stdin",
        stdin="pw-alice\n",
    )
    assert code == 0
    assert [secret for _, secret in keyring_items()] == ["pw-alice"]


def test_the_allow_list_refuses_a_cli_add(
    monkeypatch: pytest.MonkeyPatch, policy_file: Path
) -> None:
    code, _, err = run(
        monkeypatch, "integrations", "add", "--type", "registry", "--name", "X",
        "--url", "https://x.example",
    )  # fmt: skip
    assert code == 1
    assert "url: Your administrator's policy allows only" in err


def test_policy_show_and_check(
    monkeypatch: pytest.MonkeyPatch, policy_file: Path, tmp_path: Path
) -> None:
    code, out, _ = run(monkeypatch, "policy", "show", "--json")
    shown = json.loads(out)
    assert (code, shown["allowed_hosts"]) == (0, ["*.corp.example"])
    assert shown["integrations"][0]["id"] == "corp"

    broken = tmp_path / "broken.toml"
    broken.write_text("[rules]\nforbid_insecure = maybe\n")
    code, _, err = run(monkeypatch, "policy", "check", str(broken))
    assert code == 1
    assert f"{broken} is not a valid dtr-desktop policy (line 2:" in err


def test_export_and_import_move_integrations_without_passwords(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, services: Services
) -> None:
    for name, user in (("Alpha", "al"), ("Beta", "")):
        run(
            monkeypatch, "integrations", "add", "--type", "registry", "--name",
            name, "--url", f"{name.lower()}.example", "--username", user,
            "--password-stdin", stdin="secret-of-" + name,
        )  # fmt: skip
    exported = tmp_path / "set.toml"

    code, _, _ = run(monkeypatch, "integrations", "export", str(exported))

    text = exported.read_text()
    assert code == 0
    assert "secret-of" not in text
    document = tomllib.loads(text)
    assert [e["name"] for e in document["integrations"]] == ["Alpha", "Beta"]
    assert document["integrations"][0]["username"] == "al"

    monkeypatch.setenv("DTR_DESKTOP_DATA_DIR", str(tmp_path / "other-machine"))
    code, out, err = run(
        monkeypatch, "integrations", "import", str(exported), "--password-stdin",
        stdin="alpha\tnew-pass\twith-tab\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Added 2 of 2 new integration(s)." in out
    other = Services(tmp_path / "other-machine")
    alpha = other.integrations.get("Alpha")
    assert other.integrations.password(alpha.id) == "new-pass\twith-tab"
    other.close()


def test_import_json_needs_a_password_line_for_each_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, services: Services
) -> None:
    source = tmp_path / "set.json"
    source.write_text(
        json.dumps(
            {
                "integrations": [
                    {"name": "A", "type": "registry", "url": "a.example",
                     "username": "u"},
                    {"name": "B", "type": "registry", "url": "b.example",
                     "username": "v"},
                ]
            }
        )
    )  # fmt: skip

    code, _, err = run(
        monkeypatch, "integrations", "import", str(source), "--password-stdin",
        stdin="A\tpa\n",
    )  # fmt: skip

    assert code == 1
    assert "no password line on standard input for: B" in err
    assert services.integrations.list() == []


def test_import_reports_every_bad_entry_and_adds_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, services: Services
) -> None:
    source = tmp_path / "set.toml"
    source.write_text(
        '[[integrations]]\nname = "Ok"\ntype = "registry"\nurl = "ok.example"\n'
        '[[integrations]]\nname = "Bad"\ntype = "nope"\nurl = "b.example"\n'
        '[[integrations]]\nname = "Worse"\ntype = "registry"\nurl = "ftp://x"\n'
        "password = 'never here'\n"
    )

    code, _, err = run(monkeypatch, "integrations", "import", str(source))

    assert code == 1
    assert "integration 2: provider" in err
    assert "integration 3: unknown field(s) password" in err
    assert services.integrations.list() == []
