"""The Integrations page's "used with Docker" line names who docker really gets."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from tests.gui.conftest import OpenWindow, add_integration
from tests.gui.test_docker_window import docker_actions, write_json

URL = "https://shared.example.com"


def use_helper_for_shared_registry() -> None:
    write_json(
        Path.home() / ".docker/config.json",
        {"credHelpers": {"shared.example.com": "dtr-desktop"}},
    )


def test_line_names_the_integration_docker_gets_and_warns_of_the_clash(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(
        services, "Anonymous", url=URL, username="", password="", provider="registry"
    )
    add_integration(services, "First", url=URL, username="alice")
    add_integration(services, "Second", url=URL, username="bob")
    use_helper_for_shared_registry()

    actions = docker_actions(qtbot, open_window(), "Second")
    qtbot.waitUntil(lambda: actions.docker_state is not None)

    text = actions.status.text()
    assert text.startswith("Docker uses “First”, not “Second”, through dtr-desktop")
    assert "oldest integration with a user name" in text
    assert "“Anonymous”, “First”, “Second” share this registry" in text
    assert "Docker use " not in text


def test_line_for_the_only_integration_of_a_registry(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Only", url=URL, username="alice")
    use_helper_for_shared_registry()

    actions = docker_actions(qtbot, open_window(), "Only")
    qtbot.waitUntil(lambda: actions.docker_state is not None)

    assert actions.status.text() == "Docker uses “Only” through dtr-desktop."
