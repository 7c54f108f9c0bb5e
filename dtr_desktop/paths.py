"""Where dtr-desktop keeps its files, and its log set-up."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

APP_NAME = "dtr-desktop"
DATA_DIR_ENV = "DTR_DESKTOP_DATA_DIR"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, then ``$DTR_DESKTOP_DATA_DIR``, then the user data dir."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir(data: Path, overridden: bool) -> Path:
    if overridden:
        return data / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging(directory: Path, verbose: bool = False) -> None:
    """A rotating file in the log dir, and stderr when asked for."""
    root = logging.getLogger("dtr_desktop")
    if getattr(root, "_dtr_configured", False):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter(LOG_FORMAT)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            directory / f"{APP_NAME}.log",
            maxBytes=1_000_000,
            backupCount=3,
            encoding="utf-8",
        )
        handler.setFormatter(formatter)
        root.addHandler(handler)
    except OSError as error:
        print(
            f"dtr-desktop: cannot write logs to {directory}: {error}", file=sys.stderr
        )
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    root._dtr_configured = True  # type: ignore[attr-defined]
