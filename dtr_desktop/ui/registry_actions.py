"""The Integrations page's registry actions: Test, Test all, Check access, Browse.

They sit in a row of buttons under the table (with Test all's progress), in
the table's context menu and on the keyboard. Every one runs on the worker pool through
:class:`RegistryCalls`; the window closing cancels whatever still runs.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from dtr_desktop.domain.values import Integration
from dtr_desktop.ui.registry_calls import RegistryCalls, outcome_label
from dtr_desktop.ui.test_all import TestAllBar, TestAllRun

if TYPE_CHECKING:
    from dtr_desktop.services.registry_checks import ConnectionReport, RegistryChecks
    from dtr_desktop.ui.integrations_page import IntegrationsPage

log = logging.getLogger(__name__)

SHORTCUT = Qt.ShortcutContext.WidgetWithChildrenShortcut


class RegistryActions(QObject):
    """Owns the page's registry calls, their actions and the progress bar."""

    def __init__(self, page: IntegrationsPage) -> None:
        super().__init__(page)
        self.page = page
        self.calls = RegistryCalls(page.data.runner, page.data.services, self)
        self.run = TestAllRun(self.calls, page.model, self, page.data)
        self.bar = TestAllBar()
        self.dialog: QDialog | None = None
        self._watching: QObject | None = None
        self._build_actions()
        self._place()
        self._connect()
        self.update_enabled()

    # what the user does -------------------------------------------------

    def test_selected(self) -> None:
        item = self.page.selected()
        if item is None or not self.page.data.is_ready:
            return
        self._watch_window()
        self.page.model.set_testing([item.id], True)

        def test(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.test_integration(item.id, cancel=cancel)

        self.calls.start(
            test,
            lambda report: self._tested(item, report),
            lambda error: self._test_failed(item, error),
        )

    def test_all(self) -> None:
        items = self.page.data.integrations
        if self.run.is_running() or not items or not self.page.data.is_ready:
            return
        self._watch_window()
        self.bar.running(len(items), f"Testing {len(items)} integrations…")
        self.run.start(items.ids())
        self.update_enabled()

    def check_access(self) -> None:
        item = self.page.selected()
        if item is None or not self._can_open():
            return
        from dtr_desktop.ui.access_dialog import CheckAccessDialog

        self._open(CheckAccessDialog(self.page.window(), item, self.calls))

    def browse(self) -> None:
        item = self.page.selected()
        if item is None or not self._can_open():
            return
        from dtr_desktop.ui.browse_dialog import BrowseDialog

        dialog = BrowseDialog(self.page.window(), item, self.calls)
        self._open(dialog)
        dialog.load_repositories()

    def update_enabled(self) -> None:
        chosen = self.page.selected() is not None
        for action in (self.test_action, self.access_action, self.browse_action):
            action.setEnabled(chosen)
        self.test_all_button.setEnabled(
            bool(self.page.data.integrations) and not self.run.is_running()
        )

    # building -----------------------------------------------------------

    def _build_actions(self) -> None:
        page = self.page
        self.test_action = self._action("Test connection", "Ctrl+T", self.test_selected)
        check = self.check_access
        self.access_action = self._action("Check access…", "Ctrl+K", check)
        self.browse_action = self._action("Browse…", "Ctrl+B", self.browse)
        self.test_all_action = self._action("Test all", "Ctrl+Shift+T", self.test_all)
        for action in (self.test_action, self.access_action, self.browse_action):
            page.table.addAction(action)
        page.addAction(self.test_all_action)
        page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _action(self, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, self.page)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(SHORTCUT)
        action.setToolTip(f"{text.rstrip('…')} ({keys})")
        action.triggered.connect(slot)
        return action

    def _place(self) -> None:
        self.test_all_button = QPushButton("Test all")
        self.test_all_button.setToolTip("Test every integration at once (Ctrl+Shift+T)")
        self.test_all_button.clicked.connect(self.test_all)
        self.buttons = [self.test_all_button]
        for action in (self.test_action, self.access_action, self.browse_action):
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            self.buttons.append(button)
        self.test_button, self.access_button, self.browse_button = self.buttons[1:]
        self.test_button.setText("Test")
        row = QHBoxLayout()
        row.setSpacing(8)
        for button in self.buttons:
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        row.addWidget(self.bar, 1)
        row.addStretch(0)
        layout = self.page.layout()
        if isinstance(layout, QVBoxLayout):
            layout.addLayout(row)

    def _connect(self) -> None:
        page = self.page
        page.table.selectionModel().selectionChanged.connect(self.update_enabled)
        page.data.touched.connect(self.update_enabled)
        self.run.progressed.connect(self._progressed)
        self.run.finished.connect(self._all_finished)
        self.run.failed.connect(self._all_failed)
        self.bar.cancel_button.clicked.connect(self.run.cancel)

    # results ------------------------------------------------------------

    def _tested(self, item: Integration, report: ConnectionReport) -> None:
        outcome = report.outcome.value
        self.page.model.record_test(item.id, outcome, report.message, report.tested_at)
        self.page.data.record_test(item.id, outcome, report.message, report.tested_at)
        label = outcome_label(outcome)
        self.bar.message(f"“{item.name}”: {label}. {report.message}")

    def _test_failed(self, item: Integration, error: Exception) -> None:
        self.page.model.set_testing([item.id], False)
        self.page.prompter.error(error, f"“{item.name}” could not be tested.")

    def _progressed(self, done: int, total: int) -> None:
        self.bar.advance(done, total)
        self.bar.label.setText(f"Tested {done} of {total}…")

    def _all_finished(self, count: int) -> None:
        text = "Test all cancelled." if count < 0 else f"Tested {count} integrations."
        self.bar.message(text)
        self.update_enabled()

    def _all_failed(self, message: str) -> None:
        self.bar.message(f"Test all stopped. {message}")
        self.update_enabled()
        self.page.data.refresh()

    # dialogs and closing --------------------------------------------------

    def _can_open(self) -> bool:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return False
        return self.page.data.is_ready

    def _open(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _watch_window(self) -> None:
        """Cancel what still runs when the window closes (before it waits)."""
        window = self.page.window()
        if self._watching is not window:
            window.installEventFilter(self)
            self._watching = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watching and event.type() == QEvent.Type.Close:
            self.run.cancel()
            self.calls.cancel_all()
        return False
