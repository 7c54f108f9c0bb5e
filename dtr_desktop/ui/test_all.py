"""Test all: every integration tested at once, each row updated as it ends.

The service tests the integrations concurrently on one worker and calls
back as each one finishes; those callbacks cross to the GUI thread through
a queued signal, so the table fills in while the window keeps working.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from dtr_desktop.ui.integration_model import IntegrationTableModel
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.registry_calls import RegistryCalls

if TYPE_CHECKING:
    from dtr_desktop.domain.values import Integration
    from dtr_desktop.services.registry_checks import ConnectionReport, RegistryChecks
    from dtr_desktop.ui.account_data import AccountData

log = logging.getLogger(__name__)


class _ProgressRelay(QObject):
    """Emitted on the worker thread, delivered on the GUI thread."""

    progressed = Signal(int, int, object, object)


class TestAllRun(QObject):
    """One Test all at a time; ``finished`` carries how many were tested."""

    progressed = Signal(int, int)
    finished = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        calls: RegistryCalls,
        model: IntegrationTableModel,
        parent: QObject | None = None,
        data: AccountData | None = None,
    ) -> None:
        super().__init__(parent)
        self._calls = calls
        self._model = model
        self._data = data
        self._cancel: threading.Event | None = None
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._one_done)
        self._waiting: set[str] = set()

    def is_running(self) -> bool:
        return self._cancel is not None

    def start(self, integration_ids: Sequence[str]) -> None:
        if self._cancel is not None:
            return
        self._waiting = set(integration_ids)
        self._model.set_testing(self._waiting, True)
        emit = self._relay.progressed.emit

        def run(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.test_all(
                progress=emit,
                cancel=cancel,
            )

        self._cancel = self._calls.start(run, self._all_done, self._broke)
        log.info("test all: %d integrations", len(self._waiting))

    def cancel(self) -> None:
        if self._cancel is None:
            return
        self._cancel.set()
        self._end()
        self.finished.emit(-1)

    def _one_done(
        self, done: int, total: int, item: Integration, report: ConnectionReport
    ) -> None:
        if self._cancel is None:
            return
        self._waiting.discard(item.id)
        result = (item.id, report.outcome.value, report.message, report.tested_at)
        self._model.record_test(*result)
        if self._data is not None:
            # The lists keep the result too, so no reload is needed afterwards.
            self._data.record_test(*result)
        self.progressed.emit(done, total)

    def _all_done(self, reports: dict[str, ConnectionReport]) -> None:
        self._end()
        self.finished.emit(len(reports))

    def _broke(self, error: Exception) -> None:
        self._end()
        self.failed.emit(user_message(error))

    def _end(self) -> None:
        self._cancel = None
        self._model.set_testing(self._waiting, False)
        self._waiting = set()


class TestAllBar(QWidget):
    """Progress of Test all (or the last single test) under the toolbar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m tested")
        self.progress.setMaximumWidth(260)
        # Room for "999 of 999 tested" in the bar's own font and padding: the
        # row otherwise squeezed it to a sliver that clipped the count.
        widest = self.progress.fontMetrics().horizontalAdvance("999 of 999 tested")
        self.progress.setMinimumWidth(min(widest + 32, 260))
        self.label = QLabel()
        self.label.setObjectName("Hint")
        self.label.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel")
        self.close_button = QPushButton("Dismiss")
        self.close_button.clicked.connect(lambda: self.setVisible(False))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress)
        row.addWidget(self.label, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.close_button)
        self.setVisible(False)

    def running(self, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.close_button.setVisible(False)
        self.label.setText(text)
        self.setVisible(True)

    def advance(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def message(self, text: str) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        self.label.setText(text)
        self.setVisible(True)
