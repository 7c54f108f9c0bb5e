"""Subscriptions: switching, their Settings → Integrations, and managing them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.main_window import MainWindow
from dtr_desktop.ui.name_dialog import NameDialog
from dtr_desktop.ui.subscription_view import DASHBOARD, SETTINGS
from tests.gui.conftest import OpenWindow, add_integration, wait_idle

Yes = QMessageBox.StandardButton.Yes


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_dropdown_switches_the_subscription_shown(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Hub")
    for name in ("Alpha", "Beta"):
        services.subscriptions.add(name)
    services.subscriptions.attach("Beta", "Hub")
    window = open_window()
    view = window.subscription_view
    assert window.subscription_combo.currentText() == "Alpha"
    assert view.title.text() == "Alpha"
    assert view.dashboard.count_label.text() == "0"

    window.subscription_combo.setCurrentIndex(
        window.subscription_combo.findText("Beta")
    )
    window.subscription_combo.activated.emit(1)

    assert window.current_subscription() is not None
    assert window.current_subscription().name == "Beta"
    assert view.title.text() == "Beta"
    assert view.dashboard.count_label.text() == "1"
    assert view.settings.integrations.attached_names() == ["Hub"]


def test_attach_and_detach_from_a_subscriptions_settings(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    for name in ("Harbor prod", "Quay mirror", "Spare"):
        add_integration(services, name)
    services.subscriptions.add("Team")
    window = open_window()
    window.show_subscription_settings("Team")
    page = window.subscription_view.settings.integrations
    assert window.subscription_view.tabs.currentIndex() == SETTINGS
    assert page.stack.currentIndex() == 1  # nothing attached yet

    click(qtbot, page.attach_button)
    dialog = page.dialog
    assert dialog is not None
    assert dialog.picker.count() == 3
    dialog.choose(["Harbor prod", "Quay mirror"])
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        click(qtbot, dialog.attach_button)
    wait_idle(qtbot, window)

    assert services.subscriptions.get("Team").integrations == (
        "Harbor prod",
        "Quay mirror",
    )
    assert page.attached_names() == ["Harbor prod", "Quay mirror"]
    page.list.setCurrentRow(0)
    click(qtbot, page.detach_button)
    wait_idle(qtbot, window)

    assert services.subscriptions.get("Team").integrations == ("Quay mirror",)
    assert page.attached_names() == ["Quay mirror"]
    assert [i.name for i in services.integrations.list()] == [
        "Harbor prod",
        "Quay mirror",
        "Spare",
    ]


def test_without_account_integrations_settings_points_to_account_settings(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    services.subscriptions.add("Lonely")
    window = open_window()
    window.show_subscription_settings("Lonely")
    page = window.subscription_view.settings.integrations

    assert not page.attach_button.isEnabled()
    assert "no integrations" in page.empty_state.title.text()
    click(qtbot, page.empty_state.button)

    assert window.section() == "account:integrations"


def name_dialog(window: MainWindow) -> NameDialog:
    dialog = window.account.subscriptions.dialog
    assert dialog is not None
    return dialog


def save_name(qtbot: QtBot, window: MainWindow, text: str) -> None:
    dialog = name_dialog(window)
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, text)
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        click(qtbot, dialog.save_button)
    wait_idle(qtbot, window)


def test_create_rename_and_delete_subscriptions(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Hub")
    window = open_window()
    assert window.subscription_view.stack.currentIndex() == 1  # none yet
    window.show_account_settings("subscriptions")
    page = window.account.subscriptions

    click(qtbot, page.create_button)
    save_name(qtbot, window, "Payments")
    assert [s.name for s in services.subscriptions.list()] == ["Payments"]
    assert window.subscription_combo.currentText() == "Payments"

    services.subscriptions.attach("Payments", "Hub")
    page.select("Payments")
    click(qtbot, page.rename_button)
    save_name(qtbot, window, "Billing")
    assert window.subscription_combo.currentText() == "Billing"

    page.select("Billing")
    click(qtbot, page.delete_button)
    box = window.prompter.current
    assert box is not None and "“\u2068Billing\u2069”" in box.text()
    assert "stay in your account" in box.informativeText()
    window.prompter.answer(Yes)
    wait_idle(qtbot, window)

    assert services.subscriptions.list() == []
    assert [i.name for i in services.integrations.list()] == ["Hub"]
    assert window.subscription_combo.count() == 0


def test_subscription_names_are_checked_as_typed(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    services.subscriptions.add("Payments")
    window = open_window()
    window.show_account_settings("subscriptions")
    window.account.subscriptions.new_subscription()
    dialog = name_dialog(window)

    qtbot.keyClicks(dialog.name_edit, "PAYMENTS")
    assert "already exists" in dialog.message.text()
    assert not dialog.save_button.isEnabled()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "   ")
    assert not dialog.save_button.isEnabled()
    dialog.reject()


def test_the_empty_window_offers_to_create_a_subscription(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    view = window.subscription_view

    click(qtbot, view.no_subscription.button)
    save_name(qtbot, window, "First")

    assert window.current_subscription() is not None
    assert view.title.text() == "First"
    assert view.tabs.currentIndex() == DASHBOARD
