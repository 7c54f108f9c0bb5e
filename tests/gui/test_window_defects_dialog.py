"""The Add and Edit dialog as the tester saw it: fitting the screen, no overlaps.

Against the real TLS registry where a test needs one; the rest needs none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import tests.gui.test_registry_page as registry_page
from dtr_desktop.services import Services
from dtr_desktop.ui.connection_test import FAILED_TEST, NOT_RUN, ConnectionTestPanel
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.main_window import MainWindow
from tests.fakes.loopback import Answer, LoopbackServer
from tests.fakes.pki import TestPki
from tests.gui.conftest import OpenWindow, add_integration, wait_for_dialog, wait_idle
from tests.integration.registry_servers import RunningRegistry

WAIT_MS = 30_000
Discard = QMessageBox.StandardButton.Yes
KeepEditing = QMessageBox.StandardButton.No


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1"])))


@pytest.fixture
def silent_server(test_pki: TestPki) -> Iterator[LoopbackServer]:
    """A TLS server that accepts the request and never answers in time."""
    server = LoopbackServer(
        lambda request: Answer(200, wait_seconds=60), tls=test_pki.server
    ).start()
    yield server
    server.stop()


def add_dialog(window: MainWindow) -> IntegrationDialog:
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.add()
    assert page.dialog is not None
    return page.dialog


def panel_of(dialog: IntegrationDialog) -> ConnectionTestPanel:
    assert dialog.connection_test is not None
    return dialog.connection_test


def run_test(qtbot: QtBot, dialog: IntegrationDialog) -> str:
    panel = panel_of(dialog)
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()  # the layout settles on the next turn
    return str(finished.args[0])


def on_screen(widget: QWidget) -> QRect:
    """The part of ``widget`` a user can see (a scrolled form clips it)."""
    shown = widget.visibleRegion().boundingRect()
    return QRect(widget.mapToGlobal(shown.topLeft()), shown.size())


def visible_parts(dialog: IntegrationDialog) -> list[QWidget]:
    """Every block of the form, and the buttons under it, that is shown."""
    parts: list[QWidget] = [*dialog.rows.values(), dialog.insecure_box]
    ca = dialog.ca_field
    parts += [ca.edit, ca.load_button, ca.summary]
    parts += dialog.findChildren(QWidget, "UsageBox")
    if dialog.connection_test is not None:
        panel = dialog.connection_test
        parts += [panel.message, panel.offer]
    parts += [dialog.cancel_button, dialog.save_button]
    return [part for part in parts if part.isVisible()]


def assert_no_overlaps(dialog: IntegrationDialog) -> None:
    parts = visible_parts(dialog)
    for index, part in enumerate(parts):
        for other in parts[index + 1 :]:
            assert not on_screen(part).intersects(on_screen(other)), (
                f"{part.objectName() or type(part).__name__} overlaps "
                f"{other.objectName() or type(other).__name__}"
            )


def assert_fits_the_screen(dialog: IntegrationDialog) -> None:
    room = dialog.screen().availableGeometry()
    assert dialog.height() <= room.height()
    assert dialog.width() <= room.width()
    for button in (dialog.cancel_button, dialog.save_button):
        assert dialog.rect().contains(button.geometry())
        assert on_screen(button).size() == button.size()  # wholly shown


def test_an_untrusted_certificate_keeps_the_dialog_on_screen_and_tidy(
    qtbot: QtBot, open_window: OpenWindow, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("registry")
    dialog.name_edit.setText("Team registry")
    dialog.url_edit.setText(registry.url)
    dialog.username_edit.setText("alice")
    dialog.password_edit.setText(registry.password())

    assert run_test(qtbot, dialog) == FAILED_TEST

    panel = panel_of(dialog)
    assert panel.offer.isVisible()
    assert_fits_the_screen(dialog)
    assert_no_overlaps(dialog)
    scroll = dialog.form_scroll
    room = dialog.screen().availableGeometry().width()
    wide_enough = dialog.form_body.width() <= scroll.viewport().width()
    assert wide_enough or dialog.width() == room  # else it scrolls sideways
    assert "Docker Trusted Registry" not in panel.outcome_text()
    assert "/ca" not in panel.outcome_text()
    with_result = dialog.height()

    dialog.url_edit.setText(registry.url + "/")
    dialog.url_edit.textEdited.emit(dialog.url_edit.text())
    QApplication.processEvents()
    assert not panel.isVisible()
    assert dialog.height() < with_result  # the result's room is given back
    dialog.reject()
    wait_idle(qtbot, window)


def test_only_a_dtr_is_told_to_fetch_its_ca_from_ca(
    qtbot: QtBot, open_window: OpenWindow, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("dtr")
    dialog.url_edit.setText(registry.url)
    dialog.username_edit.setText("alice")
    dialog.password_edit.setText(registry.password())

    assert run_test(qtbot, dialog) == FAILED_TEST

    assert "serves its CA at /ca" in panel_of(dialog).outcome_text()
    assert panel_of(dialog).fetch_button.isVisible()
    assert_fits_the_screen(dialog)
    dialog.reject()
    wait_idle(qtbot, window)


def test_a_plain_http_url_error_stays_clear_of_the_ca_hint_and_buttons(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    qtbot.keyClicks(dialog.url_edit, "http://registry.example.com")
    QApplication.processEvents()

    assert "Insecure registry" in dialog.shown_error("url")
    assert_fits_the_screen(dialog)
    assert_no_overlaps(dialog)
    dialog.reject()


def test_edit_with_a_ca_and_subscriptions_lays_out_without_overlaps(
    qtbot: QtBot, open_window: OpenWindow, services: Services, test_pki: TestPki
) -> None:
    add_integration(services, "GitLab reader", ca_cert_pem=test_pki.ca.cert_pem)
    services.subscriptions.add("api")
    services.subscriptions.attach("api", "GitLab reader")
    window = open_window()
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.select(page.data.integrations[0].id)
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    qtbot.waitUntil(dialog.isVisible)
    QApplication.processEvents()

    assert "SHA-256" in dialog.ca_field.summary.text()
    assert_fits_the_screen(dialog)
    assert_no_overlaps(dialog)
    dialog.reject()
    wait_idle(qtbot, window)


def test_testing_an_empty_form_asks_for_the_url_next_to_its_field(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)

    assert run_test(qtbot, dialog) == NOT_RUN

    text = panel_of(dialog).outcome_text()
    for internal in ("name:", "url:", "username:", "Please correct the form"):
        assert internal not in text
    assert dialog.shown_error("url") != ""
    assert dialog.shown_error("name") == ""
    assert dialog.url_edit.hasFocus() or not dialog.isActiveWindow()
    assert_no_overlaps(dialog)
    dialog.reject()


def test_a_test_needs_no_name_and_no_user_name(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    dialog.url_edit.setText("https://127.0.0.1:1")  # nothing listens there

    assert run_test(qtbot, dialog) == FAILED_TEST

    text = panel_of(dialog).outcome_text()
    assert "Please correct the form" not in text
    assert panel_of(dialog).report is not None
    assert panel_of(dialog).report.outcome.value == "unreachable"
    dialog.reject()
    wait_idle(qtbot, window)


def test_a_pasted_long_name_stays_whole_and_the_field_says_why_not(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    QApplication.clipboard().setText("N" * 80)

    dialog.name_edit.setFocus()
    dialog.name_edit.paste()

    assert dialog.name_edit.text() == "N" * 80
    assert "64" in dialog.shown_error("name")
    assert not dialog.save_button.isEnabled()
    dialog.reject()


def test_escape_with_changes_asks_before_discarding_them(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    qtbot.keyClicks(dialog.name_edit, "Half typed")

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)

    box = dialog.prompter.current
    assert box is not None and box.windowTitle() == "Discard your changes?"
    dialog.prompter.answer(KeepEditing)
    assert dialog.isVisible() and dialog.name_edit.text() == "Half typed"

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.finished):
        dialog.prompter.answer(Discard)
    assert not dialog.isVisible()


def test_escape_on_an_untouched_form_just_closes(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(window)

    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)

    assert dialog.prompter.current is None


def test_escape_while_a_test_runs_asks_too(
    qtbot: QtBot,
    open_window: OpenWindow,
    silent_server: LoopbackServer,
    test_pki: TestPki,
) -> None:
    window = open_window()
    dialog = add_dialog(window)
    dialog.select_provider("registry")
    dialog.ca_field.set_pem(test_pki.ca.cert_pem)
    qtbot.keyClicks(dialog.url_edit, silent_server.url)
    panel = panel_of(dialog)
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(silent_server.requests) == 1, timeout=WAIT_MS)
    assert panel.is_running()

    qtbot.keyClick(dialog.url_edit, Qt.Key.Key_Escape)

    assert dialog.isVisible() and dialog.prompter.current is not None
    with qtbot.waitSignal(dialog.finished):
        dialog.prompter.answer(Discard)
    assert not panel.is_running()
    wait_idle(qtbot, window)


def test_check_access_shows_whole_reasons_and_clears_them_for_a_bad_name(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
) -> None:
    writer = registry_page.add(services, registry_tls_token, "Prod DTR main")
    window = open_window()
    dialog = registry_page.open_access(qtbot, registry_page.page_of(window), writer)
    qtbot.keyClicks(dialog.repository_edit, "nope/none")  # two-line reasons
    with qtbot.waitSignal(dialog.checked, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()

    for key in ("pull", "build", "push"):
        reason = dialog.rows[key].reason
        assert reason.text()
        assert reason.height() >= reason.heightForWidth(reason.width()), key

    dialog.repository_edit.clear()
    qtbot.keyClicks(dialog.repository_edit, "Team App")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)

    assert "lower-case" in dialog.error_label.text()
    for key in ("pull", "build", "push"):
        assert dialog.verdict(key) == "—"
        assert dialog.reason(key) == ""
    dialog.reject()
    wait_idle(qtbot, window)
