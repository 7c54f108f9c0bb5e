"""A row's Status follows what Add and Edit saved, against a real registry.

The dialog's test counts when it ran on exactly the saved values; an edit of
those values without a test leaves no stale verdict behind.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.domain.values import TestResult as StoredTest
from dtr_desktop.services import Services
from dtr_desktop.ui.connection_test import PASSED
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.integration_model import STATUS
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, wait_for_dialog, wait_idle
from tests.gui.test_registry_connection import (
    WAIT_MS,
    add_dialog,
    fill,
    page_of,
    run_test,
)
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry


def status_of(window: MainWindow, name: str) -> str:
    model = page_of(window).model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == name:
            return str(model.index(row, STATUS).data() or "")
    raise AssertionError(f"no row {name}")


def save(qtbot: QtBot, window: MainWindow, dialog: IntegrationDialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)


def test_a_passing_test_in_add_is_the_saved_rows_status(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", registry.password(), ca=registry.ca_pem)
    assert run_test(qtbot, dialog) == PASSED

    save(qtbot, window, dialog)

    stored = services.integrations.get("Team registry")
    assert stored.last_test_outcome == "ok"
    assert status_of(window, "Team registry").startswith("Connected")


def test_edit_with_a_passing_test_replaces_the_wrong_password_status(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
) -> None:
    registry = registry_tls_htpasswd
    draft = IntegrationDraft(
        name="Team registry",
        provider="registry",
        url=registry.url,
        username="alice",
        ca_cert_pem=registry.ca_pem,
    )
    added = services.integrations.add(draft, "wrong-password")
    wrong = StoredTest("bad-credentials", "Wrong password.", datetime(2026, 1, 2))
    services.integrations.record_test(added.id, wrong)
    window = open_window()
    page = page_of(window)
    assert status_of(window, "Team registry").startswith("Sign-in refused")

    page.select(added.id)
    page.edit()
    edit = wait_for_dialog(qtbot, page)
    edit.password_edit.setText(registry.password())
    assert run_test(qtbot, edit) == PASSED
    save(qtbot, window, edit)

    assert services.integrations.get_by_id(added.id).last_test_outcome == "ok"
    assert status_of(window, "Team registry").startswith("Connected")

    page.select(added.id)
    page.edit()
    edit = wait_for_dialog(qtbot, page)
    edit.username_edit.setText("bob")
    edit.password_edit.setText("other-password")
    save(qtbot, window, edit)

    assert services.integrations.get_by_id(added.id).last_test_outcome is None
    assert status_of(window, "Team registry") == ""
