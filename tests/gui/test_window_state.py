"""What the window remembers, and how it starts."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from dtr_desktop.secret_store import KeyringSecretStore
from dtr_desktop.services import Services
from dtr_desktop.ui import app
from dtr_desktop.ui.display import display_problem
from dtr_desktop.ui.integration_model import (
    IntegrationFilterProxy,
    IntegrationTableModel,
)
from tests.gui.conftest import OpenWindow, add_integration, wait_idle


def test_size_splitter_section_and_subscription_come_back(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    for name in ("Alpha", "Beta"):
        services.subscriptions.add(name)
    window = open_window()
    window.resize(790, 560)  # above the smallest size the window allows
    window.choose_subscription("Beta")
    window.show_account_settings("subscriptions")
    window.account.splitter.setSizes([260, 740])
    sizes = window.account.splitter.sizes()
    window.close()

    again = open_window()

    assert (again.width(), again.height()) == (790, 560)
    assert again.section() == "account:subscriptions"
    assert again.account.splitter.sizes() == sizes
    assert again.subscription_combo.currentText() == "Beta"


def test_the_settings_tab_is_restored_too(
    open_window: OpenWindow, services: Services
) -> None:
    services.subscriptions.add("Alpha")
    window = open_window()
    window.show_subscription_settings("Alpha")
    window.close()

    assert open_window().section() == "settings"


def test_the_item_model_passes_the_model_tester(
    qtmodeltester: object, services: Services
) -> None:
    add_integration(services, "Managed", managed=True, locked=True)
    add_integration(services, "Plain", provider="registry", username="")
    services.subscriptions.add("Team")
    services.subscriptions.attach("Team", "Plain")
    model = IntegrationTableModel()
    model.set_integrations(services.integrations.list())
    proxy = IntegrationFilterProxy()
    proxy.setSourceModel(model)

    qtmodeltester.check(model)  # type: ignore[attr-defined]
    qtmodeltester.check(proxy)  # type: ignore[attr-defined]
    model.sort(4, Qt.SortOrder.DescendingOrder)
    proxy.set_filter_text("plain")
    assert proxy.rowCount() == 1


def test_a_refused_keyring_is_said_plainly_and_nothing_is_saved(
    qtbot: QtBot, open_window: OpenWindow, data_dir: Path
) -> None:
    refused = KeyringSecretStore(backend=keyring.backends.fail.Keyring())
    services = Services(data_dir, secrets=refused)
    window = open_window(services)
    qtbot.waitUntil(window.banner.isVisible)
    assert "No secure system keyring" in window.banner.text()
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.add()
    dialog = page.dialog
    assert dialog is not None
    for edit, text in (
        (dialog.name_edit, "Prod"),
        (dialog.url_edit, "dtr.example.com"),
        (dialog.username_edit, "bob"),
        (dialog.password_edit, "secret"),
    ):
        qtbot.keyClicks(edit, text)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert dialog.isVisible() and dialog.banner.isVisible()
    assert "No secure system keyring" in dialog.banner.text()
    assert "gnome-keyring" in dialog.banner.text()
    assert dialog.name_edit.text() == "Prod"
    assert services.integrations.list() == []
    dialog.reject()
    window.close()
    services.close()


def test_without_a_display_run_explains_and_returns_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for variable in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr("sys.platform", "linux")

    assert app.run(tmp_path, verbose=False) == 2
    assert "xvfb-run -a dtr-desktop" in capsys.readouterr().err


def test_the_display_check_only_complains_on_linux_without_a_display() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "darwin") is None


def test_start_up_work_waits_for_the_first_paint(qtbot: QtBot) -> None:
    label = QLabel("painting")
    qtbot.addWidget(label)
    calls: list[bool] = []

    app.after_first_paint(label, lambda: calls.append(label.isVisible()))
    assert calls == []
    label.show()

    qtbot.waitUntil(lambda: calls == [True])
