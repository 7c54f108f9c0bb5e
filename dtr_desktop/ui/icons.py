"""The product's SVG icons, from ``resources/icons``."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"


@cache
def icon(name: str) -> QIcon:
    """The named icon, or an empty one (logged) when the file is missing."""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        # Installed from a wheel the resources folder is not shipped yet;
        # packaging should copy resources/icons next to the package.
        log.warning("icon %s not found in %s", name, ICON_DIR)
        return QIcon()
    return QIcon(str(path))
