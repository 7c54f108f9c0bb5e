"""``make bench``: every measure, one table, and bench/RESULTS.md."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.context import Context, Measure
from bench.credential_lookup import measure_p7
from bench.registries import measure_registries
from bench.report import (
    Row,
    load_average,
    not_measured,
    plain_table,
    read_history,
    write_results,
)
from bench.startup import measure_p1
from bench.window import measure_window

log = logging.getLogger("bench")

#: ids, what, goal, measure (one measure may give several rows: P2 P3 P8).
MEASURES: tuple[tuple[str, str, str, Measure], ...] = (
    ("P1", "start → main window first paint", "≤ 1.3×", measure_p1),
    ("P2 P3 P8", "window on 100,000 integrations", "see rows", measure_window),
    (
        "P4 P5 P6",
        "connection tests on local registries",
        "see rows",
        measure_registries,
    ),
    ("P7", "credential helper get", "≤ 2×", measure_p7),
)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command")
    parser.add_argument("--only", help="comma-separated ids, e.g. P1,P7")
    parser.add_argument("--no-write", action="store_true", help="skip RESULTS.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("bench: run inside scripts/with-keyring (make bench)", file=sys.stderr)
        return 2
    wanted = {part.strip().upper() for part in (args.only or "").split(",") if part}
    started = time.monotonic()
    load_at_start = load_average()
    rows: list[Row] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="dtr-bench-") as tmp:
        ctx = Context(Path(tmp), args.runs, stack)
        for id_, what, goal, measure in MEASURES:
            if wanted and not wanted & set(id_.split()):
                continue
            rows += _run_one(ctx, id_, what, goal, measure)
    seconds = time.monotonic() - started
    print()
    print(plain_table(rows))
    if not args.no_write:
        write_results(rows, seconds, load_at_start, read_history())
        print(f"\nwritten to bench/RESULTS.md ({seconds:.0f} s)")
    return 0


def _run_one(
    ctx: Context, id_: str, what: str, goal: str, measure: Measure
) -> list[Row]:
    log.info("%s: %s", id_, what)
    started = time.monotonic()
    try:
        rows = measure(ctx)
    except Exception as error:
        traceback.print_exc()
        return [
            not_measured(
                id_, what, goal, f"not measured: {type(error).__name__}: {error}"
            )
        ]
    log.info("%s done in %.1f s", id_, time.monotonic() - started)
    return rows
