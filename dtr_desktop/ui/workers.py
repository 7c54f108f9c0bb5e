"""Running service calls off the GUI thread.

Database and keyring calls can block (a busy database, a keyring waiting to
be unlocked), so the window hands them to a thread pool and gets the result
back on the GUI thread through a queued signal.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[Exception], None]


class _Relay(QObject):
    """Carries a finished task from a pool thread to the GUI thread."""

    finished = Signal(int, bool, object)


class _Task(QRunnable):
    """One call on a pool thread; its outcome goes back through the relay."""

    def __init__(
        self, task_id: int, action: Callable[[], object], relay: _Relay
    ) -> None:
        super().__init__()
        self._task_id = task_id
        self._action = action
        self._relay = relay

    def run(self) -> None:
        try:
            value = self._action()
        except Exception as error:  # handed to the GUI thread to report
            self._relay.finished.emit(self._task_id, False, error)
        else:
            self._relay.finished.emit(self._task_id, True, value)


class TaskRunner(QObject):
    """Submits callables to its own pool; callbacks run on the GUI thread."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._callbacks: dict[int, tuple[OnDone | None, OnError | None]] = {}
        self._ids = itertools.count(1)
        self._closed = False

    def submit(
        self,
        action: Callable[[], object],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
    ) -> None:
        if self._closed:
            log.debug("task refused: the window is closing")
            return
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self._pool.start(_Task(task_id, action, self._relay))

    def pending(self) -> int:
        return len(self._callbacks)

    def active_threads(self) -> int:
        return self._pool.activeThreadCount()

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Stop taking tasks, wait for running ones, drop their results."""
        self._closed = True
        finished = self._pool.waitForDone(timeout_ms)
        self._callbacks.clear()
        return finished

    @Slot(int, bool, object)
    def _deliver(self, task_id: int, ok: bool, value: object) -> None:
        on_done, on_error = self._callbacks.pop(task_id, (None, None))
        if self._closed:
            return
        if ok and on_done is not None:
            on_done(value)
        elif not ok and isinstance(value, Exception):
            self._fail(value, on_error)
        if not self._callbacks:
            self.idle.emit()

    def _fail(self, error: Exception, on_error: OnError | None) -> None:
        if on_error is None:
            log.error("background task failed", exc_info=error)
            return
        on_error(error)
