"""Screenshots for the README, rendered by a real X server (Xvfb).

Run by ``make`` under ``xvfb-run`` with ``QT_QPA_PLATFORM=xcb``; skipped on
the offscreen platform, where fonts and window sizes are not what a user sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from dtr_desktop.domain import values
from dtr_desktop.services import Services
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import (
    OpenWindow,
    add_integration,
    dtr_draft,
    use_policy,
    wait_idle,
)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.xvfb

INTEGRATIONS = (
    ("Production DTR", {"url": "dtr.acme.example"}),
    ("Docker Hub", {"provider": "dockerhub", "url": "https://registry-1.docker.io"}),
    ("Harbor staging", {"provider": "harbor", "url": "harbor.staging.acme.example"}),
    (
        "Quay mirror",
        {"provider": "quay", "url": "https://quay.io", "username": "acme+ci"},
    ),
    ("GitLab packages", {"provider": "gitlab", "url": "https://registry.gitlab.com"}),
    (
        "Build cache",
        {
            "provider": "registry",
            "url": "http://cache.lan:5000",
            "insecure": True,
            "username": "",
        },
    ),
)
# The window applies the administrator's policy at start, so the managed
# entry comes from a policy file, as it does on a managed workstation.
POLICY = """\
[[integrations]]
id = "corp-dtr"
name = "Corporate DTR"
type = "dtr"
url = "https://dtr.corp.example"
"""
# Last connection tests, as Test all leaves them (minutes before the shot).
RESULTS = (
    ("Production DTR", "ok", "Signed in; pull and push allowed.", 3),
    ("Docker Hub", "ok", "Signed in.", 3),
    ("Harbor staging", "bad-credentials", "The registry refused the password.", 3),
    ("Build cache", "unverified", "Reachable; it asks for no credentials.", 3),
    ("Quay mirror", "timeout", "No answer within 15 seconds.", 42),
)
USES = {
    "Payments": ("Production DTR", "Docker Hub", "Corporate DTR"),
    "Mobile apps": ("Production DTR", "Quay mirror"),
    "Data platform": ("Production DTR", "Harbor staging", "Build cache"),
}


@pytest.fixture(autouse=True)
def real_display() -> Iterator[None]:
    if QGuiApplication.platformName() != "xcb":
        pytest.skip("screenshots need a real X server: run under xvfb-run with xcb")
    hints = QGuiApplication.styleHints()
    flash = hints.cursorFlashTime()
    hints.setCursorFlashTime(0)  # a caret that does not blink: same pixels
    yield
    hints.setCursorFlashTime(flash)


def seed(services: Services) -> None:
    for name, changes in INTEGRATIONS:
        password = "" if changes.get("username") == "" else "secret"
        add_integration(services, name, password=password, **changes)
    services.policy.apply()
    corporate = services.integrations.get("Corporate DTR")
    services.integrations.edit(
        corporate.id, dtr_draft("Corporate DTR", url=corporate.url), "secret"
    )
    for subscription, names in USES.items():
        services.subscriptions.add(subscription)
        for name in names:
            services.subscriptions.attach(subscription, name)
    # Today at a fixed local time, so the shots do not change with the clock.
    shot_time = datetime.now().astimezone().replace(hour=9, minute=41, second=0)
    now = shot_time.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
    for name, outcome, message, minutes in RESULTS:
        tested_at = now - timedelta(minutes=minutes)
        services.integrations.record_test(
            services.integrations.get(name).id,
            values.TestResult(outcome=outcome, message=message, tested_at=tested_at),
        )


def save(qtbot: QtBot, widget: QWidget, name: str) -> Path:
    qtbot.waitExposed(widget)
    qtbot.wait(150)  # let the X server deliver the last paint
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path


@pytest.fixture(autouse=True)
def policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return use_policy(monkeypatch, tmp_path, POLICY)


def ready_window(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> MainWindow:
    seed(services)
    window = open_window()
    window.resize(1180, 720)
    window.choose_subscription("Payments")
    wait_idle(qtbot, window)
    return window


def test_main_window(qtbot: QtBot, open_window: OpenWindow, services: Services) -> None:
    window = ready_window(qtbot, open_window, services)
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.select(
        next(i.id for i in page.data.integrations if i.name == "Harbor staging")
    )

    assert save(qtbot, window, "main-window.png").stat().st_size > 10_000
    window.show_subscription()
    assert save(qtbot, window, "subscription-dashboard.png").exists()
    window.show_subscription_settings("Payments")
    assert save(qtbot, window, "subscription-settings.png").exists()


def test_add_dialog(qtbot: QtBot, open_window: OpenWindow, services: Services) -> None:
    window = ready_window(qtbot, open_window, services)
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.add()
    dialog = page.dialog
    assert dialog is not None
    dialog.select_provider("harbor")
    for edit, text in (
        (dialog.name_edit, "Harbor production"),
        (dialog.url_edit, "harbor.acme.example"),
        (dialog.username_edit, "robot$ci"),
        (dialog.password_edit, "not-shown"),
        (dialog.email_edit, "ci@acme"),
    ):
        qtbot.keyClicks(edit, text)

    assert save(qtbot, dialog, "add-integration.png").exists()
    dialog.reject()


def test_delete_blocked_dialog(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    window = ready_window(qtbot, open_window, services)
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.select(
        next(i.id for i in page.data.integrations if i.name == "Production DTR")
    )
    page.delete()
    dialog = page.in_use_dialog
    assert dialog is not None

    assert save(qtbot, dialog, "delete-blocked.png").exists()
    dialog.reject()
