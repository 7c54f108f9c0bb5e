"""A policy-defined integration without a user name asks the user to sign in.

A real policy file, the real database and keyring; the Edit dialog learns
from a worker whether a password is saved.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.integration_dialog import NO_PASSWORD_HINT, SIGN_IN_NOTE
from dtr_desktop.ui.integration_model import SIGN_IN_NEEDED, STATUS
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, use_policy, wait_for_dialog

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
"""


def page_of(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def status_of(page: IntegrationsPage, name: str) -> str:
    model = page.model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == name:
            return str(model.index(row, STATUS).data() or "")
    raise AssertionError(f"no row {name}")


def test_policy_integration_without_user_name_needs_sign_in(
    qtbot: QtBot,
    open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    use_policy(monkeypatch, tmp_path, POLICY)
    page = page_of(open_window())

    assert status_of(page, "Corp DTR") == SIGN_IN_NEEDED
    assert status_of(page, "Mirror") == ""  # anonymous use is allowed there

    page.select(next(i.id for i in page.data.integrations if i.name == "Corp DTR"))
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    edit = dialog.password_edit
    qtbot.waitUntil(lambda: edit.placeholderText() == "No password saved")
    assert "Saved in the system keyring" not in edit.placeholderText()
    assert dialog.rows["password"].message.text() == NO_PASSWORD_HINT
    assert dialog.managed_note.isVisible()
    assert dialog.managed_note.text().endswith(SIGN_IN_NOTE)
    assert "administrator's policy" in dialog.managed_note.text()
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None)


def test_edit_says_saved_once_the_user_signed_in(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    use_policy(monkeypatch, tmp_path, POLICY)
    window = open_window()
    page = page_of(window)
    corp = next(i for i in page.data.integrations if i.name == "Corp DTR")
    services.integrations.edit(
        corp.id, replace(corp.draft(), username="alice"), "alice-pw"
    )
    window.data.refresh()
    qtbot.waitUntil(lambda: status_of(page, "Corp DTR") != SIGN_IN_NEEDED)

    page.select(corp.id)
    page.edit()
    dialog = wait_for_dialog(qtbot, page)

    edit = dialog.password_edit
    qtbot.waitUntil(lambda: edit.placeholderText() == "Saved in the system keyring")
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None)
