"""Fixtures for the window tests: a real window on a real database and keyring.

Each test gets its own data dir (and so its own window-state file), and the
window is closed at the end; a test fails if a window, a dialog or a worker
thread is still around afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from dtr_desktop.ui.style import apply_style
from dtr_desktop.ui.window_state import window_settings
from tests.integration.registry_servers import (  # noqa: F401 (registry fixtures)
    _registry_files,
    registry_http_htpasswd,
    registry_tls_htpasswd,
    registry_tls_token,
    registry_token_service,
    test_pki,
)

OpenWindow = Callable[..., MainWindow]


@pytest.fixture(autouse=True)
def nothing_left_behind(qapp: QApplication) -> Iterator[None]:
    apply_style(qapp)
    yield
    QApplication.processEvents()
    left = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in left:
        widget.close()
    assert not left, f"windows left open: {[w.windowTitle() for w in left]}"


@pytest.fixture
def open_window(qtbot: QtBot, services: Services) -> Iterator[OpenWindow]:
    """Opens a main window on ``services`` and waits until its lists loaded."""
    opened: list[MainWindow] = []

    def open_one(on: Services | None = None) -> MainWindow:
        chosen = on or services
        window = MainWindow(chosen, window_settings(chosen.data_dir))
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.data.is_ready)
        wait_idle(qtbot, window)
        opened.append(window)
        return window

    yield open_one
    for window in opened:
        window.close()
        assert window.data.runner.active_threads() == 0


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every service call the window started has come back."""
    qtbot.waitUntil(lambda: window.data.runner.pending() == 0, timeout=20_000)


def dtr_draft(name: str, **changes: object) -> IntegrationDraft:
    values: dict[str, object] = {
        "name": name,
        "provider": "dtr",
        "url": f"https://{name.lower().replace(' ', '-')}.example.com",
        "username": "ci-bot",
        "email": "ci@example.com",
    }
    values.update(changes)
    return IntegrationDraft(**values)  # type: ignore[arg-type]


def add_integration(
    services: Services, name: str, password: str = "pw", **changes: object
) -> Integration:
    flags = {key: changes.pop(key) for key in ("managed", "locked") if key in changes}
    return services.integrations.add(dtr_draft(name, **changes), password, **flags)


def use_policy(monkeypatch: pytest.MonkeyPatch, folder: Path, text: str) -> Path:
    """An administrator's policy file the window applies when it starts."""
    path = folder / "policy.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(path))
    return path


def wait_for_dialog(qtbot: QtBot, page: IntegrationsPage) -> IntegrationDialog:
    """Edit reads the whole integration in a worker before its dialog opens."""
    qtbot.waitUntil(lambda: page.dialog is not None)
    assert page.dialog is not None
    return page.dialog
