"""The command line as a user scripts it: real processes, real keyring."""

from __future__ import annotations

import argparse
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dtr_desktop import cli, paths
from dtr_desktop.cli.integrations import columns
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


def test_list_lines_up_wide_letters_and_emoji(data_dir: Path) -> None:
    for name in ("Ünïcødé 注册表 🐳", "Plain"):
        assert add(name, PASSWORDS[0]).returncode == 0

    lines = dtr("integrations", "list").stdout.splitlines()

    # TYPE starts in the same terminal column on every line
    starts = [columns(line.split("dtr")[0]) for line in lines[1:]]
    assert starts == [columns(lines[0].split("TYPE")[0])] * 2
    assert columns("注🐳é\u0301") == 5  # 2 + 2 + 1 + 0


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


ARGVS = (
    ["--help"], ["-h", "integrations"], ["integrations"], ["integrations", "-h"],
    ["integrations", "test"], ["integrations", "test", "--help"], ["bogus"],
    ["--bogus", "integrations", "list"], ["--", "integrations"], ["-", "docker"],
    ["-1", "policy"], ["-x y", "policy"], ["integrations", "bogus"], ["import"],
    ["export", "--help"], ["import", "docker-config", "--help"], ["docker", "-h"],
    ["--verbose", "integrations", "add"], ["integrations", "list", "--data-dir"],
    ["integrations", "add", "--help", "--data-dir"], ["--version", "docker"],
    ["integrations", "--verbose", "list"], ["subscriptions", "attach", "-h"],
    ["--data-dir", "d", "integrations", "test", "Prod", "--json"],
    ["integrations", "export", "-", "--format", "yaml"], ["selftest", "x"],
)  # fmt: skip


def _parsed(
    parser: argparse.ArgumentParser, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    try:
        found: object = vars(parser.parse_args(argv))
    except SystemExit as stopped:
        found = stopped.code
    output = capsys.readouterr()
    return _comparable(found), output.out, output.err


def _comparable(found: object) -> object:
    """Parsed values with the group parsers (objects) named by their prog."""
    if not isinstance(found, dict):
        return found
    return {
        key: value.prog if isinstance(value, argparse.ArgumentParser) else value
        for key, value in found.items()
    }


def test_a_command_parses_helps_and_fails_as_with_every_group_built(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for argv in ARGVS:
        narrow = cli.build_parser(cli._modules_needed(argv))
        assert _parsed(narrow, argv, capsys) == _parsed(
            cli.build_parser(), argv, capsys
        ), argv


def test_the_command_table_names_what_the_modules_register() -> None:
    parser = cli.build_parser()
    (commands,) = [
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert list(commands.choices) == list(cli.COMMANDS)
    assert cli._modules_needed(["import", "docker-config"]) == ("transfer",)
    assert cli._modules_needed(["-h", "docker"]) == cli.COMMAND_MODULES


def test_a_command_builds_only_its_own_group() -> None:
    script = (
        "import sys\n"
        "from dtr_desktop.cli import main\n"
        "main(['integrations', 'test', 'Nobody'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('dtr_desktop.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.stdout.strip() == str(
        [
            "dtr_desktop.cli.bulk",
            "dtr_desktop.cli.common",
            "dtr_desktop.cli.integrations",
        ]
    )
    assert done.stderr == "dtr-desktop: There is no integration named 'Nobody'.\n"


def test_the_log_rotates_and_every_file_stays_private(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    log = logging.getLogger("dtr_desktop.tests.rotation")
    log.propagate = False
    handler = paths.PrivateLogFile(folder / "dtr-desktop.log")
    handler.MAX_BYTES = 1000
    log.addHandler(handler)
    try:
        for number in range(100):
            log.warning("record %03d %s", number, "x" * 40)
    finally:
        log.removeHandler(handler)
        handler.close()

    names = sorted(path.name for path in folder.iterdir())
    assert names == [f"dtr-desktop.log{suffix}" for suffix in ("", ".1", ".2", ".3")]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert 0 < path.stat().st_size < 1000
    newest, older = (
        (folder / "dtr-desktop.log").read_text(),
        (folder / "dtr-desktop.log.1").read_text(),
    )
    assert "record 099" in newest and "record 099" not in older
    assert older.count("record") + newest.count("record") > 1000 // 100
