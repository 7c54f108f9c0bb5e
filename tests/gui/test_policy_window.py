"""The administrator's policy as the window shows it, applied at every start.

A real policy file (``DTR_DESKTOP_POLICY``) in the test's folder, the real
database and keyring; the window applies the file when it opens.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.integration_model import NAME
from dtr_desktop.ui.integration_text import LOCKED_TIP, UNLOCKED_TIP
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration, use_policy, wait_for_dialog

POLICY = """\
version = 1

[[integrations]]
id = "corp-dtr"
name = "Corp DTR"
type = "dtr"
url = "https://dtr.corp.example"

[[integrations]]
id = "mirror"
name = "Mirror"
type = "registry"
url = "https://mirror.corp.example"
locked = false

[[subscriptions]]
name = "Production"
integrations = ["corp-dtr"]
"""

BROKEN = """\
version = 1

[[integrations]]
id = "corp-dtr"
name = "Corp DTR"
type = "not-a-registry-type"
url = "https://dtr.corp.example"
"""


def integrations_page(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def name_cell_tip(page: IntegrationsPage, name: str) -> object:
    for row in range(page.proxy.rowCount()):
        if page.proxy.integration_at(row).name == name:
            return page.proxy.index(row, NAME).data(Qt.ItemDataRole.ToolTipRole)
    raise AssertionError(f"{name} is not listed")


def select(page: IntegrationsPage, name: str) -> None:
    page.select(next(i.id for i in page.data.integrations if i.name == name))


def test_managed_entries_are_marked_and_locked_controls_disabled(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_integration(services, "Own", url="https://own.example.com")
    use_policy(monkeypatch, tmp_path, POLICY)
    window = open_window()
    page = integrations_page(window)

    assert not window.policy_banner.isVisible()
    assert [i.name for i in window.data.integrations] == ["Corp DTR", "Mirror", "Own"]
    assert name_cell_tip(page, "Corp DTR") == LOCKED_TIP
    assert name_cell_tip(page, "Mirror") == UNLOCKED_TIP
    assert name_cell_tip(page, "Own") is None

    select(page, "Corp DTR")
    assert not page.delete_button.isEnabled()
    assert "administrator's policy" in page.delete_button.toolTip()
    page.delete()
    box = page.prompter.current
    assert box is not None and "cannot be deleted" in box.text()
    page.prompter.answer(QMessageBox.StandardButton.Ok)
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    assert dialog is not None and dialog.managed_note.isVisible()
    assert not dialog.name_edit.isEnabled() and not dialog.url_edit.isEnabled()
    assert not dialog.insecure_box.isEnabled()
    assert "policy" in dialog.name_edit.toolTip()
    assert dialog.username_edit.isEnabled() and dialog.password_edit.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None)

    select(page, "Mirror")
    assert page.delete_button.isEnabled()


def test_a_managed_subscription_cannot_be_renamed_or_deleted(
    open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_policy(monkeypatch, tmp_path, POLICY)
    window = open_window()
    window.show_account_settings("subscriptions")
    page = window.account.subscriptions
    page.select("Production")

    assert not page.rename_button.isEnabled()
    assert not page.delete_button.isEnabled()
    assert "administrator's policy" in page.rename_button.toolTip()
    item = page.list.currentItem()
    assert item is not None and "administrator's policy" in item.toolTip()
    window.choose_subscription("Production")
    assert "administrator's policy" in window.subscription_view.title.toolTip()
    attached = window.subscription_view.settings.integrations.list.item(0)
    assert "Corp DTR" in attached.text()
    assert LOCKED_TIP in attached.toolTip()


def test_an_invalid_policy_shows_a_banner_naming_the_line_and_the_data_stays(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    add_integration(services, "Own", url="https://own.example.com")
    path = use_policy(monkeypatch, tmp_path, BROKEN)
    window = open_window()

    qtbot.waitUntil(window.policy_banner.isVisible)
    text = window.policy_banner.text()
    assert str(path) in text and "line 6" in text and "type must be one of" in text
    assert [i.name for i in window.data.integrations] == ["Own"]
    assert integrations_page(window).proxy.rowCount() == 1

    qtbot.mouseClick(window.policy_banner.close_button, Qt.MouseButton.LeftButton)
    assert not window.policy_banner.isVisible()


def test_a_changed_policy_reaches_the_window_at_the_next_start(
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = use_policy(monkeypatch, tmp_path, POLICY)
    first = open_window()
    corp = next(i for i in first.data.integrations if i.name == "Corp DTR")
    services.integrations.edit(
        corp.id, replace(corp.draft(), username="alice"), "alice-pw"
    )
    first.close()
    path.write_text(POLICY.replace("dtr.corp.example", "dtr2.corp.example"))

    again = open_window()

    moved = next(i for i in again.data.integrations if i.name == "Corp DTR")
    assert moved.url == "https://dtr2.corp.example"
    assert moved.username == "alice"
    assert services.integrations.password(moved.id) == "alice-pw"
