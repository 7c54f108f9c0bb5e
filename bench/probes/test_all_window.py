"""P6 through the window: Test all over 100 integrations, and one test alone.

``python -m bench.probes.test_all_window DATA_DIR ONE_ID RUNS`` opens the
real window (``dtr_desktop.ui.app.run``) on an account whose integrations
point at the benchmark's registries, then presses Test all and, for the
baseline, tests one selected integration, each after an untimed warm-up.
The wall time runs from the action until the window has the result (Test
all's ``finished``; the single test's row update). A 5 ms precise timer
measures the longest event-loop stall during each Test all. Prints
``result JSON``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from bench.probes.qtwait import StallWatch, main_window, next_emit, wait_for


class Driver:
    def __init__(self, app: QApplication, one_id: str, runs: int) -> None:
        self.app = app
        self.one_id = one_id
        self.runs = runs
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
        window.show_account_settings("integrations")
        page = window.account.integrations
        if not page.data.is_ready:
            wait_for(next_emit(page.data.changed))
        self.results["rows"] = page.model.rowCount()
        self._one_test(page)
        self.results["one_ms"] = [self._one_test(page) for _ in range(self.runs)]
        self._test_all(page, StallWatch())
        watch = StallWatch()
        walls, stalls = [], []
        for _ in range(max(3, self.runs // 3)):
            wall, stall = self._test_all(page, watch)
            walls.append(wall)
            stalls.append(stall)
        self.results["all_ms"], self.results["stall_ms"] = walls, stalls

    def _one_test(self, page: Any) -> float:
        page.select(self.one_id)
        start = time.perf_counter()
        page.registry.test_selected()
        done = wait_for(next_emit(page.model.dataChanged))
        while page.data.runner.pending():  # the result being saved
            self.app.processEvents()
        return (done - start) * 1000

    def _test_all(self, page: Any, watch: StallWatch) -> tuple[float, float]:
        watch.start()
        start = time.perf_counter()
        page.registry.test_all()
        done = wait_for(next_emit(page.registry.run.finished))
        stall = watch.stop()
        self.app.processEvents()
        return (done - start) * 1000, stall


def main() -> int:
    data_dir, one_id, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = QApplication(sys.argv[:1])
    from pathlib import Path

    from dtr_desktop.ui.app import run

    driver = Driver(app, one_id, runs)
    QTimer.singleShot(0, driver.run)
    run(Path(data_dir), False)
    print("result " + json.dumps(driver.results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
