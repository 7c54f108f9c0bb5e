"""Defects a tester found driving the real window: keys, looks and layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.attach_dialog import AttachDialog
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration, wait_idle


def open_attach_dialog(window: MainWindow) -> AttachDialog:
    window.show_subscription_settings("Team")
    page = window.subscription_view.settings.integrations
    page.attach()
    assert page.dialog is not None
    return page.dialog


def test_enter_in_the_attach_dialog_attaches_the_selection(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    for name in ("Harbor prod", "Quay mirror"):
        add_integration(services, name)
    services.subscriptions.add("Team")
    window = open_window()
    dialog = open_attach_dialog(window)
    dialog.picker.setFocus()
    dialog.choose(["Quay mirror"])

    with qtbot.waitSignal(dialog.finished, timeout=20_000) as closed:
        qtbot.keyClick(dialog.picker, Qt.Key.Key_Return)
    wait_idle(qtbot, window)

    assert closed.args == [1]
    assert services.subscriptions.get("Team").integrations == ("Quay mirror",)


def test_double_clicking_an_item_attaches_it(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Harbor prod")
    services.subscriptions.add("Team")
    window = open_window()
    dialog = open_attach_dialog(window)
    item = dialog.picker.item(0)
    dialog.picker.setCurrentItem(item)
    rect = dialog.picker.visualItemRect(item)

    viewport = dialog.picker.viewport()
    left = Qt.MouseButton.LeftButton

    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        qtbot.mouseClick(viewport, left, pos=rect.center())
        qtbot.mouseDClick(viewport, left, pos=rect.center())
    wait_idle(qtbot, window)

    assert services.subscriptions.get("Team").integrations == ("Harbor prod",)
