"""Attacks on Test all in the window: changes while it runs, reloads, cancel.

Real registries from ``tests.integration.registry_servers`` and a loopback
registry that holds its replies, so the run is still going while the user
acts; the tests wait on the window's signals and states, never on time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.domain import values
from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.ui.integration_model import STATUS, TESTING
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.fakes.loopback import Answer, LoopbackServer
from tests.fakes.pki import TestPki
from tests.gui.conftest import OpenWindow, wait_idle
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry

WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1"])))


@pytest.fixture
def slow_registry(test_pki: TestPki) -> Iterator[LoopbackServer]:
    """A registry that holds every reply for a minute (or until it stops)."""
    with LoopbackServer(
        lambda request: Answer(200, wait_seconds=60), tls=test_pki.server
    ) as server:
        yield server


def add_real(
    services: Services,
    registry: RunningRegistry,
    name: str,
    password: str | None = None,
) -> Integration:
    draft = IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username="alice",
        ca_cert_pem=registry.ca_pem,
    )
    return services.integrations.add(draft, password or registry.password("alice"))


def add_slow(
    services: Services, server: LoopbackServer, test_pki: TestPki
) -> Integration:
    draft = IntegrationDraft(
        name="Slow",
        provider="registry",
        url=server.url,
        ca_cert_pem=test_pki.ca.cert_pem,
    )
    return services.integrations.add(draft, None)


def page_of(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def status_of(page: IntegrationsPage, integration_id: str) -> str:
    row = page.model.row_of(integration_id)
    return str(page.model.data(page.model.index(row, STATUS)))


def start_and_wait_for(
    qtbot: QtBot, page: IntegrationsPage, item: Integration, label: str
) -> None:
    qtbot.mouseClick(page.registry.test_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(page, item.id).startswith(label), timeout=WAIT_MS)
    assert page.registry.run.is_running()


def cancel(qtbot: QtBot, window: MainWindow, page: IntegrationsPage) -> None:
    with qtbot.waitSignal(page.registry.run.finished, timeout=WAIT_MS):
        qtbot.mouseClick(page.registry.bar.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)


def test_a_reload_while_test_all_runs_keeps_the_results_shown(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    fast = add_real(services, registry_tls_htpasswd, "Fast")
    add_slow(services, slow_registry, test_pki)
    services.subscriptions.add("Team")
    window = open_window()
    page = page_of(window)
    start_and_wait_for(qtbot, page, fast, "Connected")

    # Attaching in Subscription Settings reloads the window's lists.
    with qtbot.waitSignal(page.data.changed, timeout=WAIT_MS):
        page.data.run(lambda: services.subscriptions.attach("Team", "Fast"))

    assert status_of(page, fast.id).startswith("Connected")
    assert page.model.index(page.model.row_of(fast.id), 4).data() == 1
    cancel(qtbot, window, page)
    assert status_of(page, fast.id).startswith("Connected")
    assert services.integrations.get_by_id(fast.id).last_test_outcome == "ok"


def test_a_password_fixed_while_test_all_runs_keeps_no_stale_verdict(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    wrong = add_real(services, registry_tls_htpasswd, "Wrong", password="nope")
    add_slow(services, slow_registry, test_pki)
    window = open_window()
    page = page_of(window)
    start_and_wait_for(qtbot, page, wrong, "Sign-in refused")

    draft = services.integrations.get_by_id(wrong.id).draft()
    fixed = services.integrations.edit(
        wrong.id, draft, registry_tls_htpasswd.password("alice")
    )
    page.data.put_integration(fixed)
    assert status_of(page, wrong.id) == ""
    cancel(qtbot, window, page)

    assert status_of(page, wrong.id) == ""
    assert services.integrations.get_by_id(wrong.id).last_test_outcome is None


def test_results_for_an_integration_deleted_during_the_run_go_nowhere(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fast = add_real(services, registry_tls_htpasswd, "Fast")
    other = add_real(services, registry_tls_htpasswd, "Other", password="nope")
    add_slow(services, slow_registry, test_pki)
    window = open_window()
    page = page_of(window)
    start_and_wait_for(qtbot, page, fast, "Connected")
    qtbot.waitUntil(
        lambda: status_of(page, other.id).startswith("Sign-in refused"), timeout=WAIT_MS
    )

    services.integrations.delete(fast.id)
    page.data.drop_integration(fast.id)
    cancel(qtbot, window, page)

    assert page.model.row_of(fast.id) == -1
    assert [i.name for i in page.data.integrations] == ["Other", "Slow"]
    assert status_of(page, other.id).startswith("Sign-in refused")
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_rename_while_test_all_runs_keeps_the_new_result(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    fast = add_real(services, registry_tls_htpasswd, "Fast")
    earlier = values.TestResult("unreachable", "Down.", datetime(2026, 1, 1))
    services.integrations.record_test(fast.id, earlier)
    add_slow(services, slow_registry, test_pki)
    window = open_window()
    page = page_of(window)
    start_and_wait_for(qtbot, page, fast, "Connected")

    draft = services.integrations.get_by_id(fast.id).draft()
    renamed = services.integrations.edit(fast.id, replace(draft, name="Quick"))
    page.data.put_integration(renamed)
    assert status_of(page, fast.id).startswith("Connected")
    cancel(qtbot, window, page)

    assert page.data.integrations.named("Quick") is not None
    assert status_of(page, fast.id).startswith("Connected")
    assert services.integrations.get_by_id(fast.id).last_test_outcome == "ok"


def test_cancel_and_run_again_at_once_gives_every_row_its_verdict(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    registry_tls_token: RunningRegistry,
) -> None:
    expected = {
        add_real(services, registry_tls_htpasswd, "A").id: "ok",
        add_real(services, registry_tls_htpasswd, "B", password="nope").id: (
            "bad-credentials"
        ),
        add_real(services, registry_tls_token, "C").id: "ok",
        add_real(services, registry_tls_token, "D", password="nope").id: (
            "bad-credentials"
        ),
    }
    window = open_window()
    page = page_of(window)
    actions = page.registry
    qtbot.mouseClick(actions.test_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(actions.bar.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(actions.run.finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(actions.test_all_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert finished.args == [4]
    listed = {i.id: i.last_test_outcome for i in page.data.integrations}
    assert listed == expected
    assert all(status_of(page, key) != TESTING for key in expected)
    stored = {i.id: i.last_test_outcome for i in services.integrations.list()}
    assert stored == expected


def test_an_empty_account_offers_no_test_all(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    window = open_window()
    page = page_of(window)

    page.registry.test_all()

    assert not page.registry.test_all_button.isEnabled()
    assert not page.registry.run.is_running()
    assert not page.registry.bar.isVisible()


def test_closing_during_a_single_test_of_an_edited_integration_records_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    slow = add_slow(services, slow_registry, test_pki)
    window = open_window()
    page = page_of(window)
    page.select(slow.id)
    page.registry.test_selected()
    qtbot.waitUntil(lambda: len(slow_registry.requests) >= 1, timeout=WAIT_MS)

    draft = services.integrations.get_by_id(slow.id).draft()
    moved = services.integrations.edit(
        slow.id, replace(draft, url=registry_tls_htpasswd.url, ca_cert_pem=None)
    )
    page.data.put_integration(moved)
    window.close()

    assert services.integrations.get_by_id(slow.id).last_test_outcome is None


def test_closing_the_window_while_results_arrive_logs_no_error(
    qtbot: QtBot,
    open_window: OpenWindow,
    *,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    registry_tls_token: RunningRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for number in range(6):
        add_real(services, registry_tls_htpasswd, f"Basic {number}")
        add_real(services, registry_tls_token, f"Token {number}", password="nope")
    window = open_window()
    page = page_of(window)
    qtbot.mouseClick(page.registry.test_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            not status_of(page, i.id).startswith(TESTING)
            for i in page.data.integrations
        ),
        timeout=WAIT_MS,
    )

    window.close()

    assert window.data.runner.active_threads() == 0
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    stored = [i.last_test_outcome for i in services.integrations.list()]
    assert set(stored) <= {None, "ok", "bad-credentials"}
