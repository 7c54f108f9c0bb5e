"""Use with Docker in the window when docker-credential-dtr-desktop is not on PATH."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import HELPER_PROGRAM
from dtr_desktop.ui.docker_actions import LINK_TEXT
from tests.conftest import path_without_helper
from tests.gui.conftest import OpenWindow, add_integration
from tests.gui.test_docker_window import docker_actions, toggle

Button = QMessageBox.StandardButton
SYSTEM_PATH = path_without_helper()


def test_use_with_docker_offers_to_link_the_helper_then_works(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local_bin = Path.home() / ".local" / "bin"
    monkeypatch.setenv("PATH", f"{local_bin}{os.pathsep}{SYSTEM_PATH}")
    add_integration(services, "Prod", url="https://prod.example.com")
    config = Path.home() / ".docker" / "config.json"
    actions = docker_actions(qtbot, open_window(), "Prod")

    box = toggle(qtbot, actions, "docker")

    assert not config.exists()
    assert box.button(Button.Yes).text() == LINK_TEXT
    assert f"would not find {HELPER_PROGRAM}" in box.text()
    with qtbot.waitSignal(actions.prompter.shown, timeout=20_000) as shown:
        actions.prompter.answer(Button.Yes)
    assert "Linked" in shown.args[0].text()
    assert (local_bin / HELPER_PROGRAM).exists()
    actions.prompter.answer(Button.Ok)
    qtbot.waitUntil(lambda: bool(actions.state))

    toggle(qtbot, actions, "docker")
    written = json.loads(config.read_text())
    assert written["credHelpers"] == {"prod.example.com": "dtr-desktop"}
    actions.prompter.answer(Button.Ok)
    qtbot.waitUntil(lambda: actions.state.get("docker") is True)


def test_use_with_docker_says_which_folder_to_add_to_path(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", SYSTEM_PATH)
    add_integration(services, "Prod", url="https://prod.example.com")
    actions = docker_actions(qtbot, open_window(), "Prod")

    box = toggle(qtbot, actions, "docker")

    assert box.button(Button.Yes) is None
    assert "~/.local/bin is not on your PATH: add it" in box.text()
    assert not (Path.home() / ".docker" / "config.json").exists()
    actions.prompter.answer(Button.Ok)
    qtbot.waitUntil(lambda: actions.state.get("docker") is False)
