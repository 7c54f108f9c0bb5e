"""Waiting on the real window from inside its own process, without sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

WAIT_MS = 120_000


def resident_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def wait_for(arm: Callable[[Callable[[], None]], None]) -> float:
    """Run a nested event loop until ``arm``'s callback fires; its perf_counter."""
    loop = QEventLoop()
    moment: list[float] = []

    def fire() -> None:
        if not moment:
            moment.append(time.perf_counter())
            loop.quit()

    arm(fire)
    QTimer.singleShot(WAIT_MS, loop.quit)
    if not moment:
        loop.exec()
    if not moment:
        raise TimeoutError("the window did not get there in time")
    return moment[0]


def next_emit(signal: Any) -> Callable[[Callable[[], None]], None]:
    """An ``arm`` for ``wait_for`` that fires on the signal's next emission."""

    def arm(fire: Callable[[], None]) -> None:
        signal.connect(fire, Qt.ConnectionType.SingleShotConnection)

    return arm


class PaintWatch(QObject):
    """Calls back once the event loop is free after the widget's next paint."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = None
        widget.installEventFilter(self)

    def arm(self, callback: Callable[[], None]) -> None:
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            QTimer.singleShot(0, callback)
        return False


def main_window(app: QApplication) -> Any:
    """The product's main window (typed loosely: probes reach into its parts)."""
    return next(w for w in app.topLevelWidgets() if isinstance(w, QMainWindow))


class StallWatch(QObject):
    """The longest the event loop went without running a 5 ms precise timer."""

    INTERVAL_MS = 5

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest_ms = 0.0

    def start(self) -> None:
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000 - self.INTERVAL_MS
        self.longest_ms = max(self.longest_ms, gap)
        self._last = now
