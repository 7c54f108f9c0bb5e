"""Starting the window: paint first, then open the database and keyring.

Importing SQLAlchemy, running migrations and finding the keyring take a few
hundred milliseconds; the window shows before any of that, and the lists
fill in when a worker has them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from dtr_desktop.ui.display import display_problem

log = logging.getLogger(__name__)

#: Set to 1 by the start-up benchmark (bench/): print ``painted MONOTONIC
#: RSS_KB CPU_MS`` at the main window's first paint event, then quit.
EXIT_AFTER_PAINT_ENV = "DTR_DESKTOP_EXIT_AFTER_PAINT"


def run(
    data_dir: Path, verbose: bool, after_paint: Callable[[], None] | None = None
) -> int:
    """Open the main window on ``data_dir``; returns the exit code.

    ``after_paint`` runs once the window has painted, before the account
    opens (the command line opens its log file there).
    """
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from dtr_desktop.services import Services
    from dtr_desktop.ui.main_window import MainWindow
    from dtr_desktop.ui.style import apply_style, styled_application
    from dtr_desktop.ui.window_state import window_settings

    _forward_qt_messages(verbose)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
        apply_style(app)
    else:
        app = styled_application(sys.argv[0])
    app.setApplicationName("dtr-desktop")
    app.setApplicationDisplayName("DTR Desktop")
    app.setDesktopFileName("dtr-desktop")
    services = Services(data_dir)
    window = MainWindow(services, window_settings(data_dir))
    window.show()
    after_first_paint(window, lambda: _started(window.start, after_paint))
    if os.environ.get(EXIT_AFTER_PAINT_ENV) == "1":
        _exit_after_first_paint(window)
    code = app.exec()
    services.close()
    log.info("exiting with %s", code)
    return code


def _started(start: Callable[[], None], after: Callable[[], None] | None) -> None:
    if after is not None:
        after()
    start()


def after_first_paint(widget: object, callback: Callable[[], None]) -> None:
    """Call ``callback`` once ``widget`` has painted (or soon, if it never does)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    target: QWidget = widget
    called = False

    def fire() -> None:
        nonlocal called
        if not called:
            called = True
            callback()

    class _Watcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                target.removeEventFilter(self)
                QTimer.singleShot(0, fire)
            return False

    watcher = _Watcher(widget)
    widget.installEventFilter(watcher)
    QTimer.singleShot(500, fire)  # a minimised or hidden window never paints


def _forward_qt_messages(verbose: bool) -> None:
    """Qt's own warnings go to our log instead of a bare stderr."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("dtr_desktop.qt")

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind == QtMsgType.QtDebugMsg and not verbose:
            return
        level = logging.DEBUG if kind == QtMsgType.QtDebugMsg else logging.WARNING
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


def _exit_after_first_paint(window: object) -> None:
    """Report the moment of the first paint, resident memory and CPU, then quit."""
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(window, QWidget)
    target: QWidget = window

    class _Reporter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                moment, cpu_ms = time.monotonic(), time.process_time() * 1000
                target.removeEventFilter(self)
                resident = _resident_kb()
                print(f"painted {moment:.6f} {resident} {cpu_ms:.1f}", flush=True)
                QTimer.singleShot(0, QApplication.quit)
            return False

    window.installEventFilter(_Reporter(window))


def _resident_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
