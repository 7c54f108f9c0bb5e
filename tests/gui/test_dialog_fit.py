"""Message boxes and the Add/Edit dialog show all they hold and stay on screen;
the main window cannot be made too small for its pages.

The window tests run offscreen, on an 800×800 screen without a window manager,
as under Xvfb: a box or dialog is where Qt puts it, nothing moves it back.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.services import Services
from dtr_desktop.ui.connection_test import FAILED_TEST
from dtr_desktop.ui.dialog_fit import TITLE_BAR
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.main_window import MainWindow
from dtr_desktop.ui.messages import Prompter
from dtr_desktop.ui.subscription_view import DASHBOARD, SETTINGS
from tests.gui.conftest import OpenWindow, add_integration, wait_idle
from tests.integration.registry_servers import RunningRegistry

WAIT_MS = 30_000
SAVE_DETAIL = (
    "You can save now and fix the integration later; builds that use it may "
    "fail until then."
)
LONG_REASON = "The registry answered with something this box must show whole. "


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1"])))


def text_labels(box: QMessageBox) -> list[QLabel]:
    names = ("qt_msgbox_label", "qt_msgbox_informativelabel")
    found = [box.findChild(QLabel, name) for name in names]
    return [label for label in found if label is not None and label.isVisible()]


def assert_whole_text(box: QMessageBox) -> None:
    """Every line of the box's text is inside its label and the label inside
    the box: wrapped at the label's width, the text needs no more room."""
    for label in text_labels(box):
        room = label.contentsRect()
        wrapped = label.fontMetrics().boundingRect(
            QRect(0, 0, room.width(), 1 << 20), Qt.TextFlag.TextWordWrap, label.text()
        )
        assert wrapped.width() <= room.width(), label.text()
        assert wrapped.height() <= room.height(), (
            f"{label.text()!r} needs {wrapped.height()} px, has {room.height()}"
        )
        assert box.rect().contains(label.geometry())


def assert_title_fits(box: QMessageBox) -> None:
    title = f"{box.windowTitle()} — {QApplication.applicationDisplayName()}"
    assert box.width() >= box.fontMetrics().horizontalAdvance(title) + 90


def assert_on_screen(box: QWidget) -> None:
    room = box.screen().availableGeometry()
    assert box.width() <= room.width()
    assert box.height() <= room.height()


def shown_box(qtbot: QtBot, prompter: Prompter) -> QMessageBox:
    box = prompter.current
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    QApplication.processEvents()  # the box lays itself out once shown
    return box


@pytest.mark.parametrize(
    ("title", "text", "detail"),
    [
        (
            "Save anyway?",
            "The last connection test did not pass: certificate not trusted.",
            SAVE_DETAIL,
        ),
        (
            "Discard your changes?",
            "What you changed in this integration has not been saved.",
            "Keep editing to save them.",
        ),
        ("Discard your changes?", "What you changed here has not been saved.", ""),
        ("Save anyway?", LONG_REASON * 12, "Short."),
        ("Save anyway?", "Short.", LONG_REASON * 12),
        ("Delete “A very long integration name, nearly 64 characters”?", "Ok.", ""),
        ("Save anyway?", LONG_REASON * 60, SAVE_DETAIL),
    ],
    ids=[
        "failed-test",
        "discard",
        "no-detail",
        "long-text",
        "long-detail",
        "long-title",
        "text-taller-than-half-the-screen",
    ],
)
def test_a_message_box_shows_its_whole_text_and_title(
    qtbot: QtBot, title: str, text: str, detail: str
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(700, 500)
    parent.show()
    prompter = Prompter(parent)

    box = prompter.confirm(title, text, lambda: None, detail=detail, yes_text="Go")
    qtbot.waitUntil(box.isVisible)
    QApplication.processEvents()

    assert_whole_text(box)
    assert_title_fits(box)
    assert_on_screen(box)
    box.updateGeometry()  # the box sizes itself again on a layout request
    QApplication.processEvents()
    assert_whole_text(box)
    prompter.answer(QMessageBox.StandardButton.No)


def add_dialog(window: MainWindow) -> IntegrationDialog:
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.add()
    assert page.dialog is not None
    return page.dialog


def test_save_anyway_after_a_failed_test_shows_the_reason(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("registry")  # anonymous: no user name needed
    qtbot.keyClicks(dialog.name_edit, "Nothing there")
    qtbot.keyClicks(dialog.url_edit, "https://127.0.0.1:1")  # nothing listens
    panel = dialog.connection_test
    assert panel is not None
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS):
        qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    box = shown_box(qtbot, dialog.prompter)
    assert box.text() == "The last connection test did not pass: unreachable."
    assert_whole_text(box)
    assert_title_fits(box)
    dialog.prompter.answer(QMessageBox.StandardButton.No)
    dialog.reject()
    wait_idle(qtbot, window)


def test_cancel_after_typing_shows_the_whole_question(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    qtbot.keyClicks(dialog.name_edit, "Half typed")

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    box = shown_box(qtbot, dialog.prompter)
    assert box.text().endswith("has not been saved.")
    assert_whole_text(box)
    assert_title_fits(box)
    with qtbot.waitSignal(dialog.finished):
        dialog.prompter.answer(QMessageBox.StandardButton.Yes)


# the Add/Edit dialog --------------------------------------------------------


def hidden_form(dialog: IntegrationDialog) -> int:
    """How many pixels of the form the dialog's scroll area keeps out of view."""
    dialog.form_body.layout().activate()
    return max(dialog.form_body.height() - dialog.form_scroll.viewport().height(), 0)


def client_room(dialog: QWidget) -> QRect:
    """Where the dialog may lie: the screen less the panels and a title bar."""
    return dialog.screen().availableGeometry().adjusted(0, TITLE_BAR, 0, 0)


def run_test(qtbot: QtBot, dialog: IntegrationDialog) -> str:
    panel = dialog.connection_test
    assert panel is not None
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    return str(finished.args[0])


def test_a_test_result_shows_without_scrolling_when_the_screen_has_room(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("registry")
    qtbot.keyClicks(dialog.url_edit, "https://127.0.0.1:1")  # nothing listens

    assert run_test(qtbot, dialog) == FAILED_TEST

    panel = dialog.connection_test
    assert panel is not None and panel.message.isVisible()
    qtbot.waitUntil(lambda: hidden_form(dialog) == 0)
    assert dialog.height() < client_room(dialog).height()  # there was room
    assert client_room(dialog).contains(dialog.geometry())
    dialog.reject()
    wait_idle(qtbot, window)


def buttons_at(dialog: IntegrationDialog) -> list[QPoint]:
    return [
        button.mapToGlobal(QPoint(0, 0))
        for button in (dialog.cancel_button, dialog.save_button)
    ]


def tight_fit(qtbot: QtBot, dialog: IntegrationDialog) -> None:
    """Leave the dialog no room to spare below its form."""
    viewport = dialog.form_scroll.viewport()
    spare = viewport.height() - dialog.form_body.heightForWidth(viewport.width())
    dialog.resize(dialog.width(), dialog.height() - spare)
    qtbot.waitUntil(lambda: dialog.form_body.height() == viewport.height())
    assert hidden_form(dialog) == 0


def test_the_dialog_opens_whole_and_on_screen(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()

    dialog = add_dialog(window)
    qtbot.waitUntil(dialog.isVisible)

    assert hidden_form(dialog) == 0
    assert client_room(dialog).contains(dialog.geometry())
    # Over the middle of the window (which is wider than this screen).
    centre = window.frameGeometry().center()
    assert abs(dialog.geometry().center().y() - centre.y()) <= 1
    dialog.reject()


def test_a_growing_dialog_moves_up_to_stay_on_screen(
    qtbot: QtBot, open_window: OpenWindow, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(window)
    qtbot.waitUntil(dialog.isVisible)
    dialog.move(dialog.x(), client_room(dialog).bottom() - dialog.height() - 10)
    dialog.select_provider("registry")
    dialog.url_edit.setText(registry.url)
    dialog.username_edit.setText("alice")
    dialog.password_edit.setText(registry.password())

    assert run_test(qtbot, dialog) == FAILED_TEST  # a certificate to trust

    panel = dialog.connection_test
    assert panel is not None and panel.offer.isVisible()
    room = client_room(dialog)
    qtbot.waitUntil(
        lambda: hidden_form(dialog) == 0 or dialog.height() == room.height()
    )
    assert dialog.height() > 500
    assert room.contains(dialog.geometry())
    for button in (panel.test_button, dialog.cancel_button, dialog.save_button):
        assert room.contains(QRect(button.mapToGlobal(QPoint(0, 0)), button.size()))
    dialog.reject()
    wait_idle(qtbot, window)


def test_messages_from_a_failed_save_show_without_scrolling(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    qtbot.waitUntil(dialog.isVisible)
    tight_fit(qtbot, dialog)
    low = client_room(dialog).bottom() - dialog.height() - 10
    dialog.move(dialog.x(), low)  # with room above it to grow into
    before = buttons_at(dialog)
    why = "The store refused this value; change it or ask your administrator. "

    dialog.show_error(ValidationError({"url": why * 3, "other": why * 2}))

    assert dialog.banner.isVisible() and why in dialog.shown_error("url")
    qtbot.waitUntil(lambda: hidden_form(dialog) == 0)
    assert buttons_at(dialog) == before  # it grew upwards
    assert client_room(dialog).contains(dialog.geometry())
    dialog.reject()


def test_the_buttons_stay_put_while_a_short_result_comes_and_goes(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("registry")
    qtbot.keyClicks(dialog.url_edit, "https://127.0.0.1:1")  # nothing listens
    qtbot.waitUntil(dialog.isVisible)
    run_test(qtbot, dialog)
    qtbot.waitUntil(lambda: hidden_form(dialog) == 0)
    shown = buttons_at(dialog)
    panel = dialog.connection_test
    assert panel is not None

    qtbot.keyClicks(dialog.url_edit, "0")  # the result no longer applies: hidden
    assert not panel.isVisible()
    QApplication.processEvents()
    assert buttons_at(dialog) == shown

    qtbot.keyClick(dialog.url_edit, Qt.Key.Key_Backspace)
    run_test(qtbot, dialog)
    qtbot.waitUntil(lambda: hidden_form(dialog) == 0)
    assert buttons_at(dialog) == shown
    dialog.reject()
    wait_idle(qtbot, window)


# the main window's smallest size ---------------------------------------------

#: A small laptop's screen less its panel and the window's title bar.
SMALL_SCREEN_ROOM = QSize(800, 600 - 48 - TITLE_BAR)


def illegible(window: MainWindow) -> list[str]:
    """Buttons and boxes on the page shown that are too narrow for their text."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        named = isinstance(widget, QAbstractButton) and widget.text()
        if (named or isinstance(widget, QComboBox)) and (
            widget.width() < widget.minimumSizeHint().width()
        ):
            found.append(f"{type(widget).__name__} {named or ''} {widget.width()} px")
    if window.stack.currentWidget() is window.account:
        edit = window.account.integrations.filter_edit
        if edit.width() < edit.fontMetrics().horizontalAdvance("Filter by name") + 40:
            found.append(f"filter box {edit.width()} px")
    return found


def test_the_window_keeps_its_pages_legible_at_its_smallest(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    services.subscriptions.add("web-shop")
    for name in ("Prod DTR", "Quay mirror"):
        add_integration(services, name)
        services.subscriptions.attach("web-shop", name)
    window = open_window()

    window.resize(600, 400)  # as small as it goes
    QApplication.processEvents()

    assert window.width() > 600 and window.height() > 400
    assert window.width() <= SMALL_SCREEN_ROOM.width()
    assert window.height() <= SMALL_SCREEN_ROOM.height()
    window.show_account_settings("integrations")
    window.account.integrations.table.selectRow(0)
    QApplication.processEvents()
    assert illegible(window) == []
    window.show_account_settings("subscriptions")
    QApplication.processEvents()
    assert illegible(window) == []
    window.choose_subscription("web-shop")
    for tab in (DASHBOARD, SETTINGS):
        window.show_subscription(tab)
        wait_idle(qtbot, window)
        QApplication.processEvents()
        assert illegible(window) == [], tab
    assert window.size().boundedTo(SMALL_SCREEN_ROOM) == window.size()
