"""What every measure shares: a scratch folder, the venv, run counts, servers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.report import Row
from bench.stats import ProcessFailed, environment, run_checked

BIN = Path(sys.executable).parent
ISOLATED = ("DTR_DESKTOP_POLICY", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE")


@dataclass
class Context:
    scratch: Path
    runs: int
    stack: ExitStack
    _cache: dict[str, object] = field(default_factory=dict)

    def data_dir(self, name: str) -> Path:
        return self.scratch / "data" / name

    def child_env(self, data_dir: Path | None = None, **extra: str) -> dict[str, str]:
        """The environment of a measured process: offscreen, no user settings."""
        overrides = dict.fromkeys(ISOLATED, "")
        overrides["QT_QPA_PLATFORM"] = "offscreen"
        overrides["DTR_DESKTOP_DATA_DIR"] = str(data_dir) if data_dir else ""
        overrides["PYTHONDONTWRITEBYTECODE"] = ""
        overrides.update(extra)
        return environment(**overrides)

    def once(self, key: str, make: Callable[[], object]) -> object:
        """A value made the first time a measure asks for it, then shared."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


Measure = Callable[[Context], list[Row]]


ROOT = Path(__file__).resolve().parent.parent


def run_probe(module: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``python -m bench.probes.MODULE ARGS`` and return its ``result`` JSON."""
    done = run_checked(
        [sys.executable, "-m", f"bench.probes.{module}", *args],
        env,
        cwd=ROOT,
        timeout=900,
    )
    for line in done.stdout.splitlines():
        if line.startswith("result "):
            found: dict[str, Any] = json.loads(line.removeprefix("result "))
            if "error" in found:
                raise ProcessFailed(f"{module} stopped: {found['error']}")
            return found
    raise ProcessFailed(f"{module} printed no result")
