"""The Import dialog's result after Remove plaintext passwords, and the backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.import_dialog import RESULT
from tests.gui.conftest import OpenWindow, wait_idle
from tests.gui.test_docker_window import b64, open_import, write_json


def test_remove_plaintext_names_what_remains_and_deletes_the_backup(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    config = write_json(
        Path.home() / ".docker/config.json",
        {
            "auths": {
                "good.example.com": {"auth": b64("alice:gone-pw")},
                "second.example.com": {"auth": b64("bob:kept-pw")},
            }
        },
    )
    window = open_window()
    dialog = open_import(qtbot, window)
    model = dialog.model
    model.set_ticked(model.row_of("second.example.com"), False)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == RESULT, timeout=20_000)

    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.removal is not None, timeout=20_000)

    text = dialog.plaintext_label.text()
    assert "are gone" not in text
    removal = dialog.removal
    assert removal is not None
    (backup,) = removal.backups
    kept = "Its backup still holds the removed passwords; the previous version is"
    assert f"{kept} {backup}." in text
    assert (
        f"Still written in plaintext in {config} (not imported): second.example.com."
        in text
    )
    assert b64("alice:gone-pw") in backup.read_text()
    assert dialog.delete_backups_button.isVisible()
    assert dialog.delete_backups_button.text() == "Delete the backup"

    qtbot.mouseClick(dialog.delete_backups_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.delete_backups_button.isVisible())
    wait_idle(qtbot, window)

    assert not backup.exists()
    assert f"Deleted {backup}." in dialog.plaintext_label.text()
    dialog.reject()
