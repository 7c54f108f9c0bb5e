"""Whether a window can open here, answered without importing Qt.

Qt aborts the whole process when it finds no display, which reads like a
crash. The command line and ``ui.app.run`` ask first and explain instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

NO_DISPLAY_MESSAGE = (
    "dtr-desktop: no graphical display found (neither DISPLAY nor "
    "WAYLAND_DISPLAY is set).\n"
    "Start it from a desktop session, or under a virtual display:\n"
    "    xvfb-run -a dtr-desktop\n"
    "The command line works without a display, e.g. "
    "'dtr-desktop integrations list'."
)


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """A message saying why no window can open, or None when one can."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if not system.startswith("linux"):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY"):
        return None
    if env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_MESSAGE
