"""What every measure shares: a scratch folder, the venv, run counts, servers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import Row
from bench.stats import environment

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
