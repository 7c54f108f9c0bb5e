"""Opening the real main window once and closing it, for ``dtr-desktop selftest``.

An installed copy proves with this that Qt, its platform plugins and the
window's own start-up (database in a worker) work, without a person there.
"""

from __future__ import annotations

import sys
from pathlib import Path

WINDOW_TIMEOUT_MS = 30_000


def smoke_window(data_dir: Path) -> str:
    """Show the main window on ``data_dir``, wait until its lists load, close it.

    Returns what was seen; raises RuntimeError when the window reported a
    failure or did not get ready in time.
    """
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from dtr_desktop.services import Services
    from dtr_desktop.ui.app import after_first_paint
    from dtr_desktop.ui.main_window import MainWindow
    from dtr_desktop.ui.window_state import window_settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = Services(data_dir)
    window = MainWindow(services, window_settings(data_dir))
    failures: list[str] = []
    loop = QEventLoop()
    window.data.ready.connect(loop.quit)

    def failed(message: str) -> None:
        failures.append(message)
        loop.quit()

    window.data.open_failed.connect(failed)
    QTimer.singleShot(WINDOW_TIMEOUT_MS, loop.quit)
    window.show()
    after_first_paint(window, window.start)
    loop.exec()
    ready = window.data.is_ready
    title = window.windowTitle()
    window.close()
    services.close()
    if failures or not ready:
        why = failures[0] if failures else f"not ready after {WINDOW_TIMEOUT_MS} ms"
        raise RuntimeError(f"the main window did not open its data: {why}")
    platform = QGuiApplication.platformName() if app is not None else "?"
    return f"{title!r} shown on {platform}"
