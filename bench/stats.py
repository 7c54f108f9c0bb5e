"""Medians and spreads of repeated timings, and whole-process timing."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sample:
    """Several measurements of one thing, in milliseconds (or megabytes)."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> float:
        """The interquartile range: where the middle half of the runs fell."""
        if len(self.values) < 4:
            return max(self.values) - min(self.values)
        quartiles = statistics.quantiles(self.values, n=4)
        return quartiles[2] - quartiles[0]

    @property
    def worst(self) -> float:
        return max(self.values)

    def describe(self, unit: str = "ms") -> str:
        return f"{self.median:.1f} {unit} ±{self.spread:.1f} (n={len(self.values)})"


class ProcessFailed(RuntimeError):
    """A timed command did not exit 0; the message names it and its stderr."""


def run_checked(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        list(argv),
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip()[-800:]
        raise ProcessFailed(f"{' '.join(argv)} exited {completed.returncode}: {tail}")
    return completed


def environment(**overrides: str) -> dict[str, str]:
    """This process's environment with some variables set (or removed by "")."""
    env = dict(os.environ)
    for key, value in overrides.items():
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    return env


@dataclass(frozen=True, slots=True)
class Command:
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    stdin: str | None = None


def time_interleaved(commands: Mapping[str, Command], runs: int) -> dict[str, Sample]:
    """Wall times of several commands, their runs alternating, after a warm-up.

    Alternating spreads any slow phase of a busy machine over every command
    instead of charging it to whichever happened to run then.
    """
    for command in commands.values():
        run_checked(command.argv, command.env, command.stdin)
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            run_checked(command.argv, command.env, command.stdin)
            found[name].append((time.perf_counter() - start) * 1000)
    return {name: Sample(tuple(values)) for name, values in found.items()}
