"""Every folder the app makes for its data and logs is its owner's alone.

The window and ``--data-dir`` made the data folder 0755 (the log folder
inside it was made with its parents at the umask's mode), and a log folder
or file from an earlier version stayed readable by others.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dtr_desktop import paths

ANONYMOUS_ADD = (
    "integrations", "add", "--type", "registry", "--name", "team",
    "--url", "registry.example.com",
)  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dtr(*args: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dtr_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env or os.environ.copy(),
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(autouse=True)
def usual_umask() -> object:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_cli_with_data_dir_makes_every_folder_private(tmp_path: Path) -> None:
    data = tmp_path / "new" / "nested" / "data"

    dtr("--data-dir", str(data), *ANONYMOUS_ADD)

    for folder in (tmp_path / "new", tmp_path / "new" / "nested", data):
        assert mode(folder) == 0o700, folder
    assert mode(data / "logs") == 0o700
    assert mode(data / "logs" / "dtr-desktop.log") == 0o600
    assert mode(data / paths.DATABASE_FILE) == 0o600


def test_cli_default_folders_are_private(
    monkeypatch: pytest.MonkeyPatch, isolated_environment: Path
) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV)
    # The keyring session's own XDG_DATA_HOME is not this test's to fill.
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_environment / ".local/share"))
    data = paths.data_dir()
    logs = paths.log_dir(data, overridden=False)
    assert not data.parent.exists() and not logs.parent.exists()

    dtr(*ANONYMOUS_ADD)

    for folder in (data, data.parent, logs, logs.parent):
        assert mode(folder) == 0o700, folder
    assert mode(logs / "dtr-desktop.log") == 0o600
    assert mode(data / paths.DATABASE_FILE) == 0o600


def test_window_makes_its_data_folder_private(tmp_path: Path) -> None:
    data = tmp_path / "window" / "data"
    env = os.environ.copy()
    env.update({"QT_QPA_PLATFORM": "offscreen", "DTR_DESKTOP_EXIT_AFTER_PAINT": "1"})

    dtr("--data-dir", str(data), env=env)

    assert mode(tmp_path / "window") == 0o700
    assert mode(data) == 0o700
    assert mode(data / "logs") == 0o700
    assert mode(data / "logs" / "dtr-desktop.log") == 0o600


def test_folders_and_logs_left_open_by_an_earlier_version_are_tightened(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    dtr("--data-dir", str(data), *ANONYMOUS_ADD)
    logs = data / "logs"
    old_log = logs / "dtr-desktop.log.1"
    old_log.write_text("an older run\n")
    for path, loose in ((data, 0o755), (logs, 0o755)):
        path.chmod(loose)
    for path in (logs / "dtr-desktop.log", old_log):
        path.chmod(0o644)

    dtr("--data-dir", str(data), "integrations", "list")

    assert (mode(data), mode(logs)) == (0o700, 0o700)
    assert mode(logs / "dtr-desktop.log") == 0o600
    assert mode(old_log) == 0o600


def test_a_given_folder_that_holds_other_things_keeps_its_mode(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    (shared / "notes.txt").write_text("the user's own\n")

    paths.make_private_data_dir(shared, overridden=True)

    assert mode(shared) == 0o755
