"""Where the window remembers its size, splitters and last section.

The settings file lives in the data dir, so ``--data-dir`` (and each test's
temporary dir) brings its own window state.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_FILE = "window-state.ini"

GEOMETRY = "window/geometry"
SECTION = "window/section"
SUBSCRIPTION = "window/subscription"
ACCOUNT_SPLITTER = "account/splitter"
SUBSCRIPTION_SPLITTER = "subscription/splitter"
TABLE_HEADER = "integrations/header"


def window_settings(data_dir: Path) -> QSettings:
    data_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def read_text(settings: QSettings, key: str) -> str:
    value = settings.value(key)
    return value if isinstance(value, str) else ""
