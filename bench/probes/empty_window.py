"""The start-up baseline: QApplication and an empty QMainWindow, shown.

Prints one line at the window's first paint event, ``painted MONOTONIC
RSS_KB CPU_MS``, then quits: the same report the product prints when
``DTR_DESKTOP_EXIT_AFTER_PAINT=1``.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            moment, cpu_ms = time.monotonic(), time.process_time() * 1000
            print(f"painted {moment:.6f} {resident_kb()} {cpu_ms:.1f}", flush=True)
            QTimer.singleShot(0, self._app.quit)
        return False


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1100, 700)
    watcher = FirstPaint(app)
    window.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
