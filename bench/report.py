"""The results table: printed to the terminal and written to RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
_HEADERS = ("id", "what", "ours", "baseline", "ratio", "goal", "result")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table; ``passed`` is None when nothing could be judged."""

    id: str
    what: str
    ours: str
    baseline: str
    ratio: str
    goal: str
    passed: bool | None
    notes: tuple[str, ...] = field(default=())

    @property
    def result(self) -> str:
        if self.passed is None:
            return "n/a"
        return "pass" if self.passed else "FAIL"

    def cells(self) -> tuple[str, ...]:
        return (
            self.id,
            self.what,
            self.ours,
            self.baseline,
            self.ratio,
            self.goal,
            self.result,
        )


def not_measured(id_: str, what: str, goal: str, why: str) -> Row:
    return Row(id_, what, "—", "—", "—", goal, None, (why,))


def ratio_text(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}×" if baseline > 0 else "—"


def plain_table(rows: list[Row]) -> str:
    cells = [_HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_HEADERS))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(_HEADERS) + " |", "|" + "---|" * len(_HEADERS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB memory, "
        f"{platform.platform()}"
    )


def versions() -> str:
    names = ("dtr-desktop", "PySide6-Essentials", "SQLAlchemy", "httpx", "keyring")
    parts = [f"Python {platform.python_version()}"]
    for name in names:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    parts += [_tool_version(["skopeo", "--version"]), _debian_version()]
    return ", ".join(part for part in parts if part)


def _tool_version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip()


def _debian_version() -> str:
    packages = ("docker-registry", "golang-docker-credential-helpers", "gnome-keyring")
    done = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    return ", ".join(done.stdout.split("\n")).strip(", ")


def notes_text(rows: list[Row]) -> str:
    lines = []
    for row in rows:
        lines += [f"- {row.id}: {note}" for note in row.notes]
    return "\n".join(lines)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def write_results(
    rows: list[Row], seconds: float, load_at_start: str, history: str = ""
) -> None:
    """Replace the measured part of RESULTS.md; keep the hand-written history."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "# Benchmark results\n\n"
        f"Measured {now} by `make bench` in {seconds:.0f} s.\n\n"
        f"- Machine: {machine()}\n"
        f"- Load average: at the start {load_at_start}; at the end "
        f"{load_average()}\n"
        f"- Versions: {versions()}\n\n"
        "Medians ± the interquartile range; n = timed runs. P1, P5 and P7 time "
        "whole processes (after one untimed run of each; ours and the baseline "
        "alternate); P2, P3, P4, P6 and P8 are timed inside one warm process "
        "running the real window or services. Ratios are ours ÷ baseline, "
        "measured in the same run. Everything listens on 127.0.0.1 only.\n\n"
        f"{markdown_table(rows)}\n\n"
        "## Notes from this run\n\n"
        f"{notes_text(rows) or '- none'}\n"
    )
    if history:
        text += "\n" + history
    RESULTS.write_text(text, encoding="utf-8")


def read_history() -> str:
    """The hand-written part of RESULTS.md (from '## History' on), if any."""
    if not RESULTS.exists():
        return ""
    text = RESULTS.read_text(encoding="utf-8")
    marker = text.find("## History")
    return text[marker:] if marker >= 0 else ""
