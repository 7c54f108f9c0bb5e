"""Test all: every integration tested at once, the rows filled in as tests end.

The service tests the integrations concurrently on one worker and calls
back as each one finishes. Those callbacks only queue the result; a short
timer on the GUI thread applies what arrived in one batch (one model
update, one progress step), so a run of many fast tests never holds the
event loop once per result.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
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

    Arrived = tuple[int, int, Integration, ConnectionReport]

log = logging.getLogger(__name__)

#: How often results that arrived are shown while Test all runs. Short
#: enough to look live, long enough that the rows change a few at a time.
BATCH_MS = 40


class _Arrivals:
    """Results handed over by the worker thread, taken in turns by the GUI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Arrived] = []

    def add(
        self, done: int, total: int, item: Integration, report: ConnectionReport
    ) -> None:
        with self._lock:
            self._items.append((done, total, item, report))

    def take(self) -> list[Arrived]:
        with self._lock:
            items, self._items = self._items, []
        return items


class TestAllRun(QObject):
    """One Test all at a time; ``finished`` carries how many were tested.

    ``progressed`` follows each batch of results shown (the count so far).
    """

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
        self._arrivals = _Arrivals()
        self._timer = QTimer(self)
        self._timer.setInterval(BATCH_MS)
        self._timer.timeout.connect(self._show_arrived)
        self._waiting: set[str] = set()
        self._edited: set[str] = set()  # during this run: results are stale
        self._started = datetime.now(UTC).replace(tzinfo=None)
        if data is not None:
            data.integration_put.connect(self._edited_meanwhile)

    def is_running(self) -> bool:
        return self._cancel is not None

    def start(self, integration_ids: Sequence[str]) -> None:
        if self._cancel is not None:
            return
        self._waiting = set(integration_ids)
        self._edited = set()
        self._started = datetime.now(UTC).replace(tzinfo=None)
        self._model.set_testing(self._waiting, True)
        # Each run its own queue: a cancelled run's late results go nowhere.
        arrivals = self._arrivals = _Arrivals()

        def run(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.test_all(progress=arrivals.add, cancel=cancel)

        self._cancel = self._calls.start(run, self._all_done, self._broke)
        self._timer.start()
        log.info("test all: %d integrations", len(self._waiting))

    def cancel(self) -> None:
        if self._cancel is None:
            return
        self._cancel.set()
        self._end()
        self.finished.emit(-1)

    def _show_arrived(self) -> None:
        arrived = self._arrivals.take()
        if not arrived or self._cancel is None:
            return
        results = [
            (item.id, report.outcome.value, report.message, report.tested_at)
            for _done, _total, item, report in arrived
            if item.id not in self._edited
        ]
        self._waiting.difference_update(result[0] for result in results)
        if self._data is not None:
            # The lists and the table share the rows: one update shows them all.
            # The service stores the results when the run ends.
            self._data.record_tests(results, saved=False)
        else:
            for result in results:
                self._model.record_test(*result)
        done, total, _item, _report = arrived[-1]
        self.progressed.emit(done, total)

    def _all_done(self, reports: dict[str, ConnectionReport]) -> None:
        self._show_arrived()
        self._end()
        if self._data is not None:
            self._data.tests_saved()
        self.finished.emit(len(reports))

    def _broke(self, error: Exception) -> None:
        self._show_arrived()
        self._end()
        if self._data is not None:
            self._data.tests_saved()
        self.failed.emit(user_message(error))

    def _edited_meanwhile(self, item: Integration, _old: int, _slot: int) -> None:
        """The run tests the values read when it started: an edited
        integration's result would be of values it no longer has. A rename
        keeps the last test from before the run: its values were tested."""
        tested = item.last_tested_at
        if self._cancel is None or (tested is not None and tested <= self._started):
            return
        self._edited.add(item.id)
        if item.id in self._waiting:
            self._waiting.discard(item.id)
            self._model.set_testing([item.id], False)

    def _end(self) -> None:
        self._timer.stop()
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
