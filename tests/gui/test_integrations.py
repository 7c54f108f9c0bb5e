"""Account Settings → Integrations, driven through the widgets.

Real SQLite file, real Secret Service; the tests wait on the window's
workers, never on time.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.secret_store import SERVICE_NAME
from dtr_desktop.services import Services
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.integration_model import SUBSCRIPTIONS
from dtr_desktop.ui.integrations_page import EMPTY, NO_MATCH, TABLE, IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import (
    OpenWindow,
    add_integration,
    use_policy,
    wait_for_dialog,
    wait_idle,
)

PASSWORD = "pä:ss wörd 🔑"
CORPORATE_POLICY = """
[[integrations]]
id = "corporate"
name = "Corporate"
type = "dtr"
url = "https://corporate.example.com"
"""
Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No


def integrations_page(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Types like a user; non-ASCII text arrives the way an input method sends it."""
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    press = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, text)
    QApplication.sendEvent(edit, press)


def open_add_dialog(qtbot: QtBot, page: IntegrationsPage) -> IntegrationDialog:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.dialog is not None
    return page.dialog


def fill(qtbot: QtBot, dialog: IntegrationDialog, **fields: str) -> None:
    for field, text in fields.items():
        type_into(qtbot, getattr(dialog, f"{field}_edit"), text)


def save(qtbot: QtBot, window: MainWindow, dialog: IntegrationDialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)


def select(qtbot: QtBot, page: IntegrationsPage, name: str) -> None:
    """Select a row and give the table the keyboard, as a click would."""
    page.select(next(i.id for i in page.data.integrations if i.name == name))
    window = page.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()


def test_the_empty_list_says_what_to_do(open_window: OpenWindow) -> None:
    page = integrations_page(open_window())

    assert page.stack.currentIndex() == EMPTY
    assert "Add" in page.empty_state.button.text()
    assert "Docker Trusted Registry" in page.empty_state.text.text()


def test_adding_an_integration_saves_the_row_and_the_keyring_secret(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    window = open_window()
    page = integrations_page(window)
    dialog = open_add_dialog(qtbot, page)
    assert dialog.provider().label == "Docker Trusted Registry"
    assert dialog.type_list.item(0).text() == "Docker Trusted Registry"
    assert not dialog.save_button.isEnabled()

    fill(qtbot, dialog, name="Production DTR", url="DTR.Example.com:8443/")
    fill(qtbot, dialog, username="ci-bot", password=PASSWORD, email="ci@example.com")
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    save(qtbot, window, dialog)

    [added] = services.integrations.list()
    assert (added.name, added.provider) == ("Production DTR", "dtr")
    assert (added.url, added.username) == ("https://dtr.example.com:8443", "ci-bot")
    assert keyring.get_password(SERVICE_NAME, added.id) == PASSWORD
    assert page.stack.currentIndex() == TABLE
    assert page.model.rowCount() == 1
    assert page.selected() is not None and page.selected().id == added.id


def test_the_type_list_changes_url_defaults_and_hints(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    dialog = open_add_dialog(qtbot, integrations_page(open_window()))

    dialog.select_provider("dockerhub")
    assert dialog.url_edit.text() == "https://registry-1.docker.io"
    assert dialog.rows["username"].message.text() == "Your Docker ID"
    dialog.select_provider("registry")
    assert dialog.url_edit.text() == ""
    assert dialog.field_labels["username"].text() == "Username (optional)"
    dialog.reject()


def test_each_invalid_field_says_why_next_to_it(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Taken")
    window = open_window()
    dialog = open_add_dialog(qtbot, integrations_page(window))

    fill(qtbot, dialog, name="taken ", url="ftp://registry.example.com")
    fill(qtbot, dialog, username="bob", email="not-an-address")
    assert "already exists" in dialog.shown_error("name")
    assert "https://" in dialog.shown_error("url")
    assert "name@example.com" in dialog.shown_error("email")
    assert not dialog.save_button.isEnabled()

    type_into(qtbot, dialog.url_edit, "https://bob:secret@registry.example.com")
    assert "their own fields" in dialog.shown_error("url")
    type_into(qtbot, dialog.url_edit, "http://registry.example.com")
    assert "Insecure registry" in dialog.shown_error("url")
    dialog.insecure_box.setChecked(True)
    assert dialog.shown_error("url") == ""

    fill(qtbot, dialog, name="Fresh", email="bob@example.com", password="x")
    assert dialog.errors() == {}
    assert dialog.save_button.isEnabled()
    dialog.reject()


def test_the_password_show_toggle_unmasks_it(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    dialog = open_add_dialog(qtbot, integrations_page(open_window()))

    dialog.show_password_action.trigger()
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_password_action.trigger()
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.reject()


def test_a_refused_save_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    window = open_window()
    page = integrations_page(window)
    dialog = open_add_dialog(qtbot, page)
    fill(qtbot, dialog, name="Race", url="race.example.com", username="u", password="p")
    add_integration(services, "Race")  # someone else took the name meanwhile

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert page.dialog is dialog and dialog.isVisible()
    assert "exists" in dialog.shown_error("name")
    assert dialog.password_edit.text() == "p"
    assert len(services.integrations.list()) == 1
    dialog.reject()


def test_editing_without_typing_a_password_keeps_the_stored_one(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = add_integration(services, "Prod", password=PASSWORD)
    services.subscriptions.add("Team Alpha")
    services.subscriptions.attach("Team Alpha", "Prod")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Prod")

    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = wait_for_dialog(qtbot, page)
    assert dialog is not None and dialog.is_edit
    assert dialog.password_edit.text() == ""
    assert dialog.usage_label.text() == "Team Alpha"
    assert not dialog.type_list.isEnabled()
    fill(qtbot, dialog, name="Production", username="deployer")
    save(qtbot, window, dialog)

    edited = services.integrations.get_by_id(item.id)
    assert (edited.name, edited.username) == ("Production", "deployer")
    assert keyring.get_password(SERVICE_NAME, item.id) == PASSWORD


def test_editing_with_a_new_password_replaces_it(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = add_integration(services, "Prod", password="old")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Prod")

    page.table.doubleClicked.emit(page.table.currentIndex())
    wait_for_dialog(qtbot, page)
    assert page.dialog is not None
    fill(qtbot, page.dialog, password="brand:new")
    save(qtbot, window, page.dialog)

    assert keyring.get_password(SERVICE_NAME, item.id) == "brand:new"


def test_delete_asks_naming_the_integration_then_deletes_row_and_secret(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = add_integration(services, "Old registry")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Old registry")

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert window.prompter.current is not None
    assert "“\u2068Old registry\u2069”" in window.prompter.current.text()
    window.prompter.answer(No)
    wait_idle(qtbot, window)
    assert len(services.integrations.list()) == 1

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    window.prompter.answer(Yes)
    wait_idle(qtbot, window)

    assert services.integrations.list() == []
    assert keyring.get_password(SERVICE_NAME, item.id) is None
    assert page.stack.currentIndex() == EMPTY


def test_delete_of_a_used_integration_lists_its_subscriptions_and_keeps_it(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Shared")
    for name in ("Payments", "Team Alpha"):
        services.subscriptions.add(name)
        services.subscriptions.attach(name, "Shared")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Shared")

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    in_use = page.in_use_dialog
    assert in_use is not None and window.prompter.current is None
    assert in_use.subscriptions == ["Payments", "Team Alpha"]
    qtbot.mouseClick(in_use.open_buttons["Team Alpha"], Qt.MouseButton.LeftButton)

    assert window.section() == "settings"
    assert window.current_subscription() is not None
    assert window.current_subscription().name == "Team Alpha"
    assert window.subscription_view.settings.integrations.attached_names() == ["Shared"]
    assert [i.name for i in services.integrations.list()] == ["Shared"]


def test_a_subscription_attached_meanwhile_blocks_the_delete(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Shared")
    services.subscriptions.add("Late")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Shared")
    services.subscriptions.attach("Late", "Shared")  # the window has not seen it

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    window.prompter.answer(Yes)
    qtbot.waitUntil(lambda: page.in_use_dialog is not None)
    wait_idle(qtbot, window)

    assert page.in_use_dialog is not None
    assert page.in_use_dialog.subscriptions == ["Late"]
    assert [i.name for i in services.integrations.list()] == ["Shared"]
    page.in_use_dialog.reject()


def test_keyboard_ctrl_n_adds_and_delete_in_the_filter_box_deletes_nothing(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Keep me")
    window = open_window()
    page = integrations_page(window)
    select(qtbot, page, "Keep me")

    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is not None and not page.dialog.is_edit
    qtbot.keyClick(page.dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.dialog is None)

    page.filter_edit.setFocus()
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Delete)
    assert window.prompter.current is None


def test_the_filter_narrows_rows_and_says_when_nothing_matches(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Alpha")
    add_integration(services, "Beta", provider="quay", url="quay.io")
    page = integrations_page(open_window())

    qtbot.keyClicks(page.filter_edit, "quay")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    assert page.proxy.integration_at(0).name == "Beta"
    type_into(qtbot, page.filter_edit, "nothing like it")
    qtbot.waitUntil(lambda: page.stack.currentIndex() == NO_MATCH)
    assert "nothing like it" in page.no_match.text.text()
    qtbot.mouseClick(page.no_match.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == TABLE)
    assert page.proxy.rowCount() == 2


def test_columns_sort_when_their_header_is_clicked(
    open_window: OpenWindow, services: Services
) -> None:
    for name, users in (("Bravo", 2), ("Alpha", 0), ("Charlie", 1)):
        add_integration(services, name)
        for index in range(users):
            subscription = f"{name} user {index}"
            services.subscriptions.add(subscription)
            services.subscriptions.attach(subscription, name)
    page = integrations_page(open_window())

    def names() -> list[str]:
        return [page.proxy.integration_at(row).name for row in range(3)]

    assert names() == ["Alpha", "Bravo", "Charlie"]
    page.table.sortByColumn(SUBSCRIPTIONS, Qt.SortOrder.DescendingOrder)
    assert names() == ["Bravo", "Charlie", "Alpha"]
    tip = page.proxy.index(0, SUBSCRIPTIONS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Used by: Bravo user 0, Bravo user 1"


def test_a_managed_integration_is_marked_and_its_locked_fields_disabled(
    qtbot: QtBot,
    open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    use_policy(monkeypatch, tmp_path, CORPORATE_POLICY)
    page = integrations_page(open_window())
    select(qtbot, page, "Corporate")

    name_cell = page.proxy.index(0, 0)
    assert name_cell.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "administrator" in name_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert not page.delete_button.isEnabled()
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    assert dialog is not None and dialog.managed_note.isVisible()
    assert not dialog.name_edit.isEnabled() and not dialog.url_edit.isEnabled()
    assert "policy" in dialog.url_edit.toolTip()
    assert dialog.username_edit.isEnabled() and dialog.password_edit.isEnabled()
    dialog.reject()


def test_views_beyond_the_table_see_an_added_integration(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    """The table updates one row in place; the other views must follow it."""
    services.subscriptions.add("web")
    window = open_window()
    page = integrations_page(window)
    settings = window.subscription_view.settings.integrations
    assert settings.empty_state.title.text() == "Your account has no integrations yet"
    assert not settings.attach_button.isEnabled()

    dialog = open_add_dialog(qtbot, page)
    fill(qtbot, dialog, name="Production DTR", url="dtr.example.com")
    fill(qtbot, dialog, username="ci-bot", password=PASSWORD)
    save(qtbot, window, dialog)

    assert settings.empty_state.title.text() == "No integrations attached"
    assert settings.attach_button.isEnabled()
    assert [item.name for item in settings.candidates()] == ["Production DTR"]
