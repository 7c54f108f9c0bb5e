"""The command line as a user scripts it: real processes, real keyring."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import keyring_items

PASSWORDS = ("first:pass-ä😀", "second:pass-ø")


def dtr(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtr_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )


def add(name: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return dtr(
        "integrations", "add", "--type", "dtr", "--name", name,
        "--url", "dtr.example.com", "--username", "bob", "--password-stdin",
        *extra, stdin=password + "\n",
    )  # fmt: skip


def test_version() -> None:
    result = dtr("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("dtr-desktop 0.")


def test_add_list_edit_delete(data_dir: Path) -> None:
    assert add("Prod", PASSWORDS[0], "--email", "ops@example.com").returncode == 0

    listed = json.loads(dtr("integrations", "list", "--json").stdout)
    assert [(i["name"], i["url"], i["type"]) for i in listed] == [
        ("Prod", "https://dtr.example.com", "dtr")
    ]
    assert keyring_items() == [(listed[0]["id"], PASSWORDS[0])]

    edited = dtr(
        "integrations", "edit", "prod", "--name", "Production",
        "--password-stdin", stdin=PASSWORDS[1],
    )  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    assert keyring_items() == [(listed[0]["id"], PASSWORDS[1])]

    deleted = dtr("integrations", "delete", "production", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert keyring_items() == []
    assert json.loads(dtr("integrations", "list", "--json").stdout) == []


def test_refused_delete_names_every_subscription() -> None:
    add("Prod", PASSWORDS[0])
    for subscription in ("web", "billing"):
        assert dtr("subscriptions", "add", subscription).returncode == 0
        assert dtr("subscriptions", "attach", subscription, "Prod").returncode == 0

    refused = dtr("integrations", "delete", "Prod", "--yes")

    assert refused.returncode == 1
    assert "billing" in refused.stderr
    assert "web" in refused.stderr
    assert len(keyring_items()) == 1


def test_invalid_input_is_reported_per_field() -> None:
    result = dtr(
        "integrations", "add", "--type", "dtr", "--name", "x",
        "--url", "https://bob:pw@dtr.example.com", "--username", "bob",
        "--password-stdin", stdin="pw",
    )  # fmt: skip
    assert result.returncode == 1
    assert "url: Remove the user name and password from the URL" in result.stderr
    assert keyring_items() == []


def test_subscriptions_lifecycle() -> None:
    add("Prod", PASSWORDS[0])
    dtr("subscriptions", "add", "web")
    dtr("subscriptions", "attach", "web", "Prod")
    dtr("subscriptions", "rename", "web", "Web Shop")

    listed = json.loads(dtr("subscriptions", "list", "--json").stdout)
    assert listed == [{"name": "Web Shop", "integrations": ["Prod"], "managed": False}]

    assert dtr("subscriptions", "detach", "Web Shop", "Prod").returncode == 0
    assert dtr("subscriptions", "detach", "Web Shop", "Prod").returncode == 1
    assert dtr("subscriptions", "delete", "Web Shop", "--yes").returncode == 0


def test_a_group_without_action_shows_help() -> None:
    result = dtr("integrations")
    assert result.returncode == 2
    assert "list" in result.stderr


def test_secrets_never_reach_logs_database_or_output(data_dir: Path) -> None:
    add("Prod", PASSWORDS[0])
    dtr("--verbose", "integrations", "edit", "Prod", "--password-stdin",
        stdin=PASSWORDS[1])  # fmt: skip
    outputs = [
        dtr("--verbose", "integrations", "list", "--json"),
        dtr("--verbose", "integrations", "delete", "Prod", "--yes"),
        add("Other", "x", "--url", "https://u:" + PASSWORDS[0] + "@h"),
    ]

    texts = [r.stdout + r.stderr for r in outputs]
    files = [p.read_bytes() for p in data_dir.rglob("*") if p.is_file()]
    assert files, "expected a database and a log file"
    for secret in PASSWORDS:
        assert all(secret not in text for text in texts)
        assert all(secret.encode() not in blob for blob in files)


def test_the_log_is_private_to_its_owner(data_dir: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        assert dtr("--verbose", "subscriptions", "add", "web").returncode == 0
    finally:
        os.umask(old_mask)

    log_file = data_dir / "logs" / "dtr-desktop.log"
    assert "subscription" in log_file.read_text()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700


def test_a_data_dir_that_loops_is_reported(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)

    result = dtr("--data-dir", str(loop), "integrations", "list")

    assert result.returncode == 1
    assert "cannot be used" in result.stderr
    assert "Traceback" not in result.stderr
