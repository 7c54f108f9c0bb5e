"""The window on a large account: P2 (open the page), P3 (filter), P8 (memory).

Creates the QApplication, then hands over to the product's own
``dtr_desktop.ui.app.run`` (which reuses an existing application), and drives
the window it opened from a timer: wait for the account to load, open
Account Settings → Integrations, apply edits the way the Edit dialog's
save does, reload both lists several times, type into the filter box.
Prints ``result JSON`` and quits. Times are taken in-process with
``perf_counter``; "painted" means the event loop got control back after the
table's viewport handled its paint event.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench.probes.qtwait import (
    PaintWatch,
    main_window,
    next_emit,
    resident_kb,
    wait_for,
)

TYPED = "dtr-00012"
RELOADS = 3
EDITS = 5


class Driver:
    def __init__(self, app: QApplication, started: float) -> None:
        self.app = app
        self.started = started
        self.results: dict[str, Any] = {}

    def run(self) -> None:
        try:
            self._measure()
        except Exception as error:  # reported to the harness, which shows it
            self.results["error"] = f"{type(error).__name__}: {error}"
        self.app.quit()

    def _measure(self) -> None:
        window = main_window(self.app)
        window.resize(1280, 800)
        page = window.account.integrations
        data = window.data
        watch = PaintWatch(page.table.viewport())
        window.show_account_settings("integrations")
        total = self._wait_loaded(data, page, watch)
        self.results["rows"] = total
        self._wait_keyring_checked(data)
        self.app.processEvents()
        self.results["resident_kb"] = resident_kb()
        self.results["peak_kb"] = resident_kb("VmHWM")
        self.results["edit_ms"] = self._edits(page, data, watch)
        self.results["reload_ms"] = self._reloads(window, data, watch)
        self.results["switch_ms"] = self._switches(window, watch)
        self.results["keystroke_ms"], self.results["filter_ms"] = self._filter(page)
        self.results["resident_after_kb"] = resident_kb()

    def _wait_loaded(self, data: Any, page: Any, watch: PaintWatch) -> int:
        if not data.is_ready:
            wait_for(next_emit(data.changed))
        painted = wait_for(watch.arm)
        self.results["cold_ms"] = (painted - self.started) * 1000
        return int(page.model.rowCount())

    def _wait_keyring_checked(self, data: Any) -> None:
        """Memory is read once the start-up keyring check is over, as before."""
        deadline = time.perf_counter() + 30
        while not data.keyring_checked and time.perf_counter() < deadline:
            self.app.processEvents()
            time.sleep(0.005)
        self.results["keyring_checked"] = data.keyring_checked
        self.results["keyring_loaded"] = "secretstorage" in sys.modules

    def _edits(self, page: Any, data: Any, watch: PaintWatch) -> list[float]:
        """An edit saved from the dialog, from its result to the row painted.

        What the page does once the service returns the edited integration
        (``AccountData.put_integration``): the selected row is renamed, moved
        to its place by name and shown. Each edit renames a different row
        near the top, so the row is on screen before and after.
        """
        times = []
        for number in range(EDITS):
            listed = data.integrations[number]
            page.select(listed.id)
            self.app.processEvents()
            edited = dataclasses.replace(listed, name=f"{listed.name} edited")
            start = time.perf_counter()
            data.put_integration(edited)
            painted = wait_for(watch.arm)
            if page.selected().name != edited.name:
                raise RuntimeError("the table did not show the edited integration")
            times.append((painted - start) * 1000)
        return times

    def _reloads(self, window: Any, data: Any, watch: PaintWatch) -> list[float]:
        """The full reload of both lists: on request only, not after a change."""
        times = []
        for _ in range(RELOADS):
            window.show_subscription()
            self.app.processEvents()
            start = time.perf_counter()
            window.show_account_settings("integrations")
            data.refresh()
            wait_for(next_emit(data.changed))
            times.append((wait_for(watch.arm) - start) * 1000)
        return times

    def _switches(self, window: Any, watch: PaintWatch) -> list[float]:
        times = []
        for _ in range(5):
            window.show_subscription()
            self.app.processEvents()
            start = time.perf_counter()
            window.show_account_settings("integrations")
            times.append((wait_for(watch.arm) - start) * 1000)
        return times

    def _filter(self, page: Any) -> tuple[list[float], list[float]]:
        """Each keystroke, then the refilter it leads to, laid out and repainted.

        The page waits for a pause in typing before filtering; the refilter is
        started at once here, then pending layout runs and the table's
        viewport is repainted synchronously (a refilter that leaves the
        visible rows alone may not repaint at all, so waiting for a paint
        would hang; forcing one counts it every time).
        """
        keys: list[float] = []
        filters: list[float] = []
        page.filter_edit.setFocus()
        strokes = [*TYPED, *([Qt.Key.Key_Backspace] * len(TYPED))]
        for stroke in strokes:
            start = time.perf_counter()
            if isinstance(stroke, str):
                QTest.keyClicks(page.filter_edit, stroke)
            else:
                QTest.keyClick(page.filter_edit, stroke)
            keys.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            page.apply_filter_now()
            self.app.processEvents()
            page.table.viewport().repaint()
            filters.append((time.perf_counter() - start) * 1000)
            if len(filters) == len(TYPED):  # all typed: the filter strings exist
                self.results["resident_filtering_kb"] = resident_kb()
                self.results["typed"] = TYPED
        return keys, filters


def main() -> int:
    started = time.perf_counter()
    app = QApplication(sys.argv[:1])
    from dtr_desktop.ui.app import run

    driver = Driver(app, started)
    QTimer.singleShot(0, driver.run)
    run(Path(sys.argv[1]), False)
    print("result " + json.dumps(driver.results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
