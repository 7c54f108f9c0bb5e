"""Defects a tester found driving the real window: keys, looks and layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.attach_dialog import AttachDialog
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration, use_policy, wait_idle


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


def dark_pixels(image: QImage, rect: QRect) -> int:
    """Pixels dark enough to be text on a light background."""
    count = 0
    for x in range(rect.left(), rect.right()):
        for y in range(rect.top(), rect.bottom()):
            if QColor(image.pixel(x, y)).lightness() < 110:
                count += 1
    return count


def test_the_subscription_dropdown_list_is_readable(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    for name in ("Alpha", "Beta", "Gamma"):
        services.subscriptions.add(name)
    window = open_window()
    combo = window.subscription_combo
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    view.setCurrentIndex(combo.model().index(0, 0))

    viewport = view.viewport()
    image = viewport.grab().toImage()
    rows = [
        view.visualRect(combo.model().index(row, 0)) & viewport.rect() for row in (1, 2)
    ]
    combo.hidePopup()

    for rect in rows:
        background = QColor(image.pixel(rect.left() + 2, rect.center().y()))
        assert background.lightness() > 200
        assert dark_pixels(image, rect) > 20


def reddish_pixels(image: QImage) -> int:
    count = 0
    for x in range(image.width()):
        for y in range(image.height()):
            color = QColor(image.pixel(x, y))
            if color.red() - max(color.green(), color.blue()) > 60:
                count += 1
    return count


def test_a_disabled_delete_button_does_not_look_active(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    window.show_account_settings("integrations")
    button = window.account.integrations.delete_button
    assert not button.isEnabled()  # nothing to delete yet

    assert reddish_pixels(button.grab().toImage()) == 0
    button.setEnabled(True)
    assert reddish_pixels(button.grab().toImage()) > 0


RULES = """\
version = 1

[rules]
forbid_insecure = true
allowed_hosts = ["127.0.0.1"]
"""


def test_the_policy_banner_names_the_policy_once_in_plain_sentences(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_integration(services, "Local plain", url="http://127.0.0.1:5000", insecure=True)
    add_integration(services, "Elsewhere", url="https://localhost:5999")
    use_policy(monkeypatch, tmp_path, RULES)
    window = open_window()

    text = window.policy_banner.text()
    assert text.count("administrator") == 1
    assert "Local plain" in text and "Elsewhere" in text
    assert ".)" not in text and ".;" not in text


def test_the_delete_confirmation_shows_its_whole_title_and_no_tick(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Harbor hang")
    window = open_window()
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.table.selectRow(0)

    with qtbot.waitSignal(window.prompter.shown) as shown:
        page.delete()
    box: QMessageBox = shown.args[0]
    qtbot.waitUntil(box.isVisible)

    title = f"{box.windowTitle()} — {QApplication.applicationDisplayName()}"
    assert box.width() >= box.fontMetrics().horizontalAdvance(title) + 90
    delete = box.button(QMessageBox.StandardButton.Yes)
    assert delete.text() == "Delete"
    assert delete.icon().isNull()
    assert delete.objectName() == "Danger"
    window.prompter.answer(QMessageBox.StandardButton.No)


def test_ctrl_q_quits(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    assert not window.isVisible()


def assert_whole(widget: QWidget) -> None:
    """Not squeezed below the height its content needs."""
    needed = widget.sizeHint().height()
    if widget.hasHeightForWidth():
        needed = widget.heightForWidth(widget.width())
    assert widget.height() >= needed, f"{widget.objectName()} is squeezed"


def test_the_export_dialog_keeps_its_fields_after_a_long_result(
    qtbot: QtBot, open_window: OpenWindow, services: Services, tmp_path: Path
) -> None:
    services.subscriptions.add("web-shop")
    for name in ("GitLab reader", "Local plain", "Harbor mirror", "Quay robots"):
        add_integration(services, name)
        services.subscriptions.attach("web-shop", name)
    add_integration(services, "N" * 60, provider="registry", username="")
    services.subscriptions.attach("web-shop", "N" * 60)
    window = open_window()
    window.choose_subscription("web-shop")
    window.subscription_view.export_credentials()
    dialog = window.subscription_view.export_dialog
    assert dialog is not None
    dialog.path_edit.setText(str(tmp_path / "export.json"))
    dialog.understood_box.setChecked(True)

    dialog.export()
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)
    QApplication.processEvents()

    assert "Left out" in dialog.message.text()
    for widget in (dialog.format_combo, dialog.path_edit, dialog.browse_button):
        assert widget.height() >= widget.sizeHint().height()
    for label in (dialog.warning, dialog.message):
        assert_whole(label)
    dialog.reject()


RTL_NAME = "🚀 خط الإنتاج"
FSI, PDI = "\u2068", "\u2069"


def test_a_right_to_left_name_is_isolated_in_its_rows_and_sentences(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, RTL_NAME, url="https://rtl.example.com")
    services.subscriptions.add(RTL_NAME)
    services.subscriptions.attach(RTL_NAME, RTL_NAME)
    window = open_window()
    window.show_account_settings("subscriptions")
    subscriptions = window.account.subscriptions
    row = subscriptions.list.item(0).text()
    assert row.startswith(f"{FSI}{RTL_NAME}{PDI}")
    assert row.endswith("1 integration")

    window.show_subscription_settings(RTL_NAME)
    attached = window.subscription_view.settings.integrations.list.item(0).text()
    assert attached.startswith(f"{FSI}{RTL_NAME}{PDI}")

    window.show_account_settings("subscriptions")
    subscriptions.list.setCurrentRow(0)
    with qtbot.waitSignal(window.prompter.shown) as shown:
        subscriptions.delete()
    assert f"“{FSI}{RTL_NAME}{PDI}”" in shown.args[0].text()
    window.prompter.answer(QMessageBox.StandardButton.No)
