"""Test, Test all, Check access and Browse from Account Settings → Integrations.

Against the real registries of ``tests.integration.registry_servers``; the
tests wait on the window's signals, never on time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.ui.access_dialog import CheckAccessDialog
from dtr_desktop.ui.browse_dialog import BrowseDialog
from dtr_desktop.ui.integration_model import STATUS, TESTING
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.fakes.hostile_registry import paged_tags
from tests.fakes.loopback import Answer, LoopbackServer
from tests.fakes.pki import TestPki
from tests.gui.conftest import OpenWindow, wait_idle
from tests.integration.registry_servers import SEEDED, RunningRegistry

pytestmark = pytest.mark.registry

WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1"])))


def add(
    services: Services,
    registry: RunningRegistry,
    name: str,
    *,
    user: str = "alice",
    password: str | None = None,
    with_ca: bool = True,
) -> Integration:
    draft = IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username=user,
        insecure=not registry.tls,
        ca_cert_pem=registry.ca_pem if with_ca else None,
    )
    return services.integrations.add(draft, password or registry.password(user))


def page_of(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def status_of(page: IntegrationsPage, integration_id: str) -> str:
    row = page.model.row_of(integration_id)
    return str(page.model.data(page.model.index(row, STATUS)))


def choose(qtbot: QtBot, page: IntegrationsPage, item: Integration) -> None:
    page.select(item.id)
    window = page.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()


@pytest.fixture
def mixed_integrations(
    services: Services,
    registry_tls_token: RunningRegistry,
    registry_tls_htpasswd: RunningRegistry,
    registry_http_htpasswd: RunningRegistry,
) -> dict[str, str]:
    """Four integrations -> the status label each one's test should show."""
    return {
        add(services, registry_tls_token, "A token").id: "Connected",
        add(services, registry_http_htpasswd, "B plain").id: "Connected",
        add(services, registry_tls_htpasswd, "C no CA", with_ca=False).id: (
            "Untrusted certificate"
        ),
        add(services, registry_tls_token, "D wrong", password="wrong").id: (
            "Sign-in refused"
        ),
    }


def test_test_all_updates_every_row_as_results_arrive(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    mixed_integrations: dict[str, str],
) -> None:
    expected = mixed_integrations
    window = open_window()
    page = page_of(window)
    actions = page.registry
    seen: list[int] = []

    def progressed(done: int, total: int) -> None:
        finished = [i for i in expected if status_of(page, i) != TESTING]
        seen.append(len(finished))
        assert (done, total) == (len(finished), 4)

    actions.run.progressed.connect(progressed)
    with qtbot.waitSignal(actions.run.finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(actions.test_all_button, Qt.MouseButton.LeftButton)
        assert all(status_of(page, i) == TESTING for i in expected)
        assert not actions.test_all_button.isEnabled()
    wait_idle(qtbot, window)

    assert finished.args == [4]
    # Results arriving together are shown in one step.
    assert seen == sorted(set(seen)) and seen[-1] == 4
    for integration_id, label in expected.items():
        assert status_of(page, integration_id).startswith(f"{label} · ")
    stored = {i.id: i.last_test_outcome for i in services.integrations.list()}
    assert sorted(stored.values()) == sorted(
        ["ok", "ok", "untrusted-certificate", "bad-credentials"]
    )
    listed = {i.id: i.last_test_outcome for i in page.data.integrations}
    assert listed == stored, "the window's lists hold the results without a reload"
    assert actions.bar.label.text() == "Tested 4 integrations."
    assert actions.test_all_button.isEnabled()


def test_test_on_the_keyboard_updates_the_selected_row(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
) -> None:
    item = add(services, registry_tls_htpasswd, "Basic")
    window = open_window()
    page = page_of(window)
    choose(qtbot, page, item)

    QTest.keyClick(page.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: status_of(page, item.id).startswith("Connected · "))
    wait_idle(qtbot, window)

    assert services.integrations.get_by_id(item.id).last_test_outcome == "ok"
    assert "Connected" in page.registry.bar.label.text()
    tip = page.model.data(
        page.model.index(page.model.row_of(item.id), STATUS),
        Qt.ItemDataRole.ToolTipRole,
    )
    assert "Tested " in tip


def open_access(
    qtbot: QtBot, page: IntegrationsPage, item: Integration
) -> CheckAccessDialog:
    choose(qtbot, page, item)
    qtbot.mouseClick(page.registry.access_button, Qt.MouseButton.LeftButton)
    dialog = page.registry.dialog
    assert isinstance(dialog, CheckAccessDialog)
    return dialog


def test_check_access_shows_pull_granted_and_push_denied_for_a_reader(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
) -> None:
    reader = add(services, registry_tls_token, "Reader", user="reader")
    window = open_window()
    dialog = open_access(qtbot, page_of(window), reader)

    qtbot.keyClicks(dialog.repository_edit, "team/app")
    with qtbot.waitSignal(dialog.checked, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)

    assert dialog.verdict("pull") == "Granted"
    assert dialog.verdict("build") == "Granted"
    assert dialog.verdict("push") == "Denied"
    assert dialog.reason("push")
    assert dialog.reason("build") == dialog.reason("pull")
    dialog.reject()
    wait_idle(qtbot, window)


def test_check_access_explains_a_bad_repository_name(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
) -> None:
    writer = add(services, registry_tls_token, "Writer")
    window = open_window()
    dialog = open_access(qtbot, page_of(window), writer)

    qtbot.keyClicks(dialog.repository_edit, "Team App")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)

    assert "lower-case" in dialog.error_label.text()
    assert dialog.verdict("pull") == "—"
    dialog.reject()


def open_browse(
    qtbot: QtBot,
    page: IntegrationsPage,
    item: Integration,
    monkeypatch: pytest.MonkeyPatch,
) -> BrowseDialog:
    monkeypatch.setattr(BrowseDialog, "PAGE_SIZE", 2)
    choose(qtbot, page, item)
    qtbot.mouseClick(page.registry.browse_button, Qt.MouseButton.LeftButton)
    dialog = page.registry.dialog
    assert isinstance(dialog, BrowseDialog)
    return dialog


def test_browse_pages_through_repositories_and_tags(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writer = add(services, registry_tls_token, "Writer")
    window = open_window()
    dialog = open_browse(qtbot, page_of(window), writer, monkeypatch)
    repositories, tags = dialog.repositories, dialog.tags

    qtbot.waitUntil(lambda: not repositories.is_loading(), timeout=WAIT_MS)
    assert repositories.items() == sorted(SEEDED)[:2]
    assert repositories.more_button.isVisible()
    with qtbot.waitSignal(repositories.loaded, timeout=WAIT_MS):
        qtbot.mouseClick(repositories.more_button, Qt.MouseButton.LeftButton)
    assert repositories.items() == sorted(SEEDED)
    assert not repositories.has_more()

    with qtbot.waitSignal(tags.loaded, timeout=WAIT_MS):
        repositories.list.setCurrentRow(repositories.items().index("team/app"))
    # distribution 2.8 sends every tag at once; paging is tested on a fake
    assert sorted(tags.items()) == sorted(SEEDED["team/app"])
    assert dialog.repository_edit.text() == "team/app"
    dialog.reject()
    wait_idle(qtbot, window)


def test_browse_without_the_catalog_lets_the_user_type_a_repository(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reader = add(services, registry_tls_token, "Reader", user="reader")
    window = open_window()
    dialog = open_browse(qtbot, page_of(window), reader, monkeypatch)

    qtbot.waitUntil(lambda: not dialog.repositories.is_loading(), timeout=WAIT_MS)
    assert dialog.catalog_refused()
    assert "Type the name of a repository" in dialog.repositories.status.text()
    assert dialog.repositories.status.objectName() == "Hint"  # guidance, no fault
    assert dialog.repositories.items() == []

    qtbot.keyClicks(dialog.repository_edit, "team/tools")
    with qtbot.waitSignal(dialog.tags.loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.show_tags_button, Qt.MouseButton.LeftButton)
    assert dialog.tags.items() == list(SEEDED["team/tools"])
    dialog.reject()
    wait_idle(qtbot, window)


@pytest.fixture
def slow_registry(test_pki: TestPki) -> Iterator[LoopbackServer]:
    """A registry that holds every reply for a minute (or until it stops)."""
    with LoopbackServer(
        lambda request: Answer(200, wait_seconds=60), tls=test_pki.server
    ) as server:
        yield server


def add_fake(
    services: Services, server: LoopbackServer, name: str, test_pki: TestPki
) -> Integration:
    draft = IntegrationDraft(
        name=name, provider="registry", url=server.url, ca_cert_pem=test_pki.ca.cert_pem
    )
    return services.integrations.add(draft, None)


def test_test_all_keeps_the_window_turning_and_can_be_cancelled(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    slow = add_fake(services, slow_registry, "Slow", test_pki)
    window = open_window()
    actions = page_of(window).registry
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))

    qtbot.mouseClick(actions.test_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(slow_registry.requests) == 1, timeout=WAIT_MS)
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=WAIT_MS)
    timer.stop()
    assert actions.run.is_running() and actions.bar.progress.isVisible()
    with qtbot.waitSignal(actions.run.finished) as finished:
        qtbot.mouseClick(actions.bar.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert finished.args == [-1]
    assert status_of(page_of(window), slow.id) == ""
    assert actions.bar.label.text() == "Test all cancelled."


def test_closing_the_window_cancels_a_running_test(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    slow_registry: LoopbackServer,
    test_pki: TestPki,
) -> None:
    add_fake(services, slow_registry, "Slow", test_pki)
    window = open_window()
    actions = page_of(window).registry
    qtbot.mouseClick(actions.test_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(slow_registry.requests) == 1, timeout=WAIT_MS)

    window.close()

    assert window.data.runner.active_threads() == 0
    assert actions.calls.running() == 0


def test_browse_pages_through_tags_of_a_typed_repository(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    test_pki: TestPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tags = ["a", "b", "c", "d", "e"]
    with LoopbackServer(paged_tags("team/app", tags), tls=test_pki.server) as fake:
        item = add_fake(services, fake, "Paged", test_pki)
        window = open_window()
        dialog = open_browse(qtbot, page_of(window), item, monkeypatch)
        qtbot.waitUntil(lambda: not dialog.repositories.is_loading(), timeout=WAIT_MS)
        assert dialog.catalog_refused()

        dialog.repository_edit.setText("team/app")
        for shown in (["a", "b"], ["a", "b", "c", "d"], tags):
            with qtbot.waitSignal(dialog.tags.loaded, timeout=WAIT_MS):
                if shown == ["a", "b"]:
                    QTest.keyClick(dialog.repository_edit, Qt.Key.Key_Return)
                else:
                    dialog.tags.more_button.click()
            assert dialog.tags.items() == shown
        assert not dialog.tags.more_button.isVisible()
        dialog.reject()
        wait_idle(qtbot, window)


def test_browse_shows_a_failure_in_the_error_colour(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    test_pki: TestPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with LoopbackServer(lambda request: Answer(200), tls=test_pki.server) as gone:
        item = add_fake(services, gone, "Gone", test_pki)
    window = open_window()

    dialog = open_browse(qtbot, page_of(window), item, monkeypatch)
    status = dialog.repositories.status
    qtbot.waitUntil(lambda: not dialog.repositories.is_loading(), timeout=WAIT_MS)
    assert "refused the connection" in status.text()
    assert status.objectName() == "FieldError"
    qtbot.keyClicks(dialog.repository_edit, "Bad Name")
    qtbot.mouseClick(dialog.show_tags_button, Qt.MouseButton.LeftButton)
    assert dialog.tags.status.objectName() == "FieldError"
    dialog.reject()
    wait_idle(qtbot, window)
