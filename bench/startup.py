"""P1 and P8: time to the main window's first paint, and resident memory.

Both the product and the baseline print ``painted MONOTONIC RSS_KB CPU_MS``
at the first paint event of their main window. ``time.monotonic`` is the
system-wide CLOCK_MONOTONIC on Linux, so the parent's reading just before it
starts the process and the child's reading at the paint are on one clock.
CPU_MS is the CPU time the process had used by then (``time.process_time``):
on a machine shared with other work, waiting for a core stretches the wall
time of both sides unevenly, their CPU time much less.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.context import BIN, Context
from bench.report import Row, ratio_text
from bench.seed import seed, synthetic_integrations
from bench.stats import ProcessFailed, Sample


@dataclass(frozen=True, slots=True)
class PaintRun:
    to_paint_ms: float
    resident_mb: float
    cpu_ms: float


def run_to_paint(
    argv: Sequence[str], env: Mapping[str, str], timeout: float = 60.0
) -> PaintRun:
    start = time.monotonic()
    done = subprocess.run(
        list(argv),
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("painted ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise ProcessFailed(f"{' '.join(argv)} did not report a paint: {tail}")
    _, moment, resident_kb, cpu_ms = lines[-1].split()
    return PaintRun(
        (float(moment) - start) * 1000, int(resident_kb) / 1024, float(cpu_ms)
    )


def sample_to_paint(
    argv: Sequence[str], env: Mapping[str, str], runs: int
) -> tuple[Sample, Sample]:
    """(milliseconds to first paint, resident MB at that moment), after a warm-up."""
    run_to_paint(argv, env)
    results = [run_to_paint(argv, env) for _ in range(runs)]
    return (
        Sample(tuple(r.to_paint_ms for r in results)),
        Sample(tuple(r.resident_mb for r in results)),
    )


def interleaved_to_paint(
    commands: Mapping[str, tuple[Sequence[str], Mapping[str, str]]], runs: int
) -> dict[str, tuple[Sample, Sample, Sample]]:
    """Like ``sample_to_paint`` for several commands, alternating their runs.

    Alternating spreads any slow phase of the machine over every command
    instead of charging it to whichever ran then. Each command gets its
    milliseconds to the paint, resident MB and CPU milliseconds at the paint.
    """
    for argv, env in commands.values():
        run_to_paint(argv, env)
    results: dict[str, list[PaintRun]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            results[name].append(run_to_paint(argv, env))
    return {
        name: (
            Sample(tuple(r.to_paint_ms for r in found)),
            Sample(tuple(r.resident_mb for r in found)),
            Sample(tuple(r.cpu_ms for r in found)),
        )
        for name, found in results.items()
    }


# -- P1 ---------------------------------------------------------------------

P1_WHAT = "start → main window first paint, 1,000 integrations"
P1_GOAL = "≤ 1.3×"
P1_LIMIT = 1.3
EXIT_AFTER_PAINT = "DTR_DESKTOP_EXIT_AFTER_PAINT"


def empty_window_command() -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("probes") / "empty_window.py")]


def measure_p1(ctx: Context) -> list[Row]:
    data = ctx.data_dir("p1-1k")
    seed(data, synthetic_integrations(1_000), subscriptions=20)
    commands = {
        "ours": (
            [str(BIN / "dtr-desktop")],
            ctx.child_env(data, **{EXIT_AFTER_PAINT: "1"}),
        ),
        "baseline": (empty_window_command(), ctx.child_env()),
    }
    found = interleaved_to_paint(commands, ctx.runs)
    ours, baseline = found["ours"][0], found["baseline"][0]
    ours_cpu, baseline_cpu = found["ours"][2], found["baseline"][2]
    ctx.once("empty_window_mb", lambda: found["baseline"][1])
    return [
        Row(
            "P1",
            P1_WHAT,
            ours.describe(),
            baseline.describe(),
            ratio_text(ours.median, baseline.median),
            P1_GOAL,
            ours.median <= P1_LIMIT * baseline.median,
            (
                f"resident at first paint: ours {found['ours'][1].describe('MB')}, "
                f"empty window {found['baseline'][1].describe('MB')}",
                f"CPU time used by the first paint: ours {ours_cpu.describe()}, "
                f"empty window {baseline_cpu.describe()} "
                f"({ratio_text(ours_cpu.median, baseline_cpu.median)}; "
                "less stretched than wall time when the cores are shared)",
            ),
        )
    ]
