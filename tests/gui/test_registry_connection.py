"""Test connection and trust in the Add and Edit dialog, against real registries.

The registries are Debian's docker-registry on 127.0.0.1 (see
``tests.integration.registry_servers``); behaviours no registry shows (a
reply that never comes, a web page, a DTR serving its CA) come from the
loopback fakes. Tests wait on the panel's ``finished`` signal, never on time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.registry.certificates import describe_pem
from dtr_desktop.registry.http import Timeouts
from dtr_desktop.secret_store import SERVICE_NAME
from dtr_desktop.services import Services
from dtr_desktop.ui.connection_test import (
    CANCELLED,
    FAILED_TEST,
    PASSED,
    ConnectionTestPanel,
)
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.integration_model import URL
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.fakes.hostile_registry import basic_registry
from tests.fakes.loopback import Answer, LoopbackServer, Recorded, Route
from tests.fakes.pki import TestPki
from tests.gui.conftest import OpenWindow, wait_for_dialog, wait_idle
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry

SaveAnyway = QMessageBox.StandardButton.Yes
KeepEditing = QMessageBox.StandardButton.No
WAIT_MS = 30_000
Serve = Callable[[Route], LoopbackServer]


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1"])))


@pytest.fixture
def serve(test_pki: TestPki) -> Iterator[Serve]:
    """``serve(route)`` starts a TLS loopback server stopped after the test."""
    started: list[LoopbackServer] = []

    def start(route: Route) -> LoopbackServer:
        server = LoopbackServer(route, tls=test_pki.server).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def page_of(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def add_dialog(qtbot: QtBot, window: MainWindow) -> IntegrationDialog:
    page = page_of(window)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.dialog is not None
    return page.dialog


def fill(
    dialog: IntegrationDialog,
    url: str,
    user: str,
    password: str,
    *,
    provider: str = "registry",
    ca: str | None = None,
    insecure: bool = False,
) -> None:
    dialog.select_provider(provider)
    dialog.name_edit.setText("Team registry")
    dialog.url_edit.setText(url)
    dialog.insecure_box.setChecked(insecure)
    dialog.username_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.ca_field.set_pem(ca)


def panel_of(dialog: IntegrationDialog) -> ConnectionTestPanel:
    assert dialog.connection_test is not None
    return dialog.connection_test


def run_test(qtbot: QtBot, dialog: IntegrationDialog) -> str:
    panel = panel_of(dialog)
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    return str(finished.args[0])


def close(qtbot: QtBot, window: MainWindow, dialog: IntegrationDialog) -> None:
    dialog.reject()
    wait_idle(qtbot, window)


def test_a_good_login_shows_connected(
    qtbot: QtBot, open_window: OpenWindow, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", registry.password(), ca=registry.ca_pem)

    state = run_test(qtbot, dialog)

    panel = panel_of(dialog)
    assert state == PASSED
    assert panel.report is not None and panel.report.outcome.value == "ok"
    assert panel.outcome_text().startswith("Connected.")
    assert panel.icon.pixmap() is not None and not panel.icon.pixmap().isNull()
    assert panel.test_button.isEnabled() and not panel.busy.isVisible()
    assert not panel.needs_confirmation()
    close(qtbot, window, dialog)


def test_a_wrong_password_asks_before_saving(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
) -> None:
    registry = registry_tls_token
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", "not-the-password", ca=registry.ca_pem)

    state = run_test(qtbot, dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert state == FAILED_TEST
    assert panel_of(dialog).outcome_text().startswith("Wrong user name or password.")
    box = dialog.prompter.current
    assert box is not None and box.windowTitle() == "Save anyway?"
    assert "wrong user name or password" in box.text()
    dialog.prompter.answer(KeepEditing)
    assert dialog.isVisible() and services.integrations.list() == []

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.prompter.answer(SaveAnyway)
    wait_idle(qtbot, window)
    [saved] = services.integrations.list()
    assert keyring.get_password(SERVICE_NAME, saved.id) == "not-the-password"


def test_an_untrusted_certificate_can_be_trusted_then_passes(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
    test_pki: TestPki,
) -> None:
    registry = registry_tls_htpasswd
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", registry.password())

    state = run_test(qtbot, dialog)

    panel = panel_of(dialog)
    server = describe_pem(test_pki.server.cert_pem)[0]
    assert state == FAILED_TEST
    assert panel.outcome_text().startswith("Certificate not trusted.")
    assert panel.offer.isVisible()
    details = panel.offer.details.text()
    for part in (server.subject, server.issuer, server.sha256_fingerprint):
        assert part in details
    assert f"{server.not_after:%Y-%m-%d}" in details

    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as retested:
        qtbot.mouseClick(panel.offer.accept_button, Qt.MouseButton.LeftButton)

    assert retested.args == [PASSED]
    assert dialog.ca_field.pem() == server.pem.strip()
    assert "SHA-256" in dialog.ca_field.summary.text()
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    [saved] = services.integrations.list()
    assert saved.ca_cert_pem == server.pem.strip()


def test_certificate_details_wrap_to_fit_a_narrow_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    registry_tls_htpasswd: RunningRegistry,
    test_pki: TestPki,
) -> None:
    registry = registry_tls_htpasswd
    dialog = add_dialog(qtbot, open_window())
    fill(dialog, registry.url, "alice", registry.password())
    run_test(qtbot, dialog)
    details = panel_of(dialog).offer.details
    fingerprint = describe_pem(test_pki.server.cert_pem)[0].sha256_fingerprint
    narrow = 760

    assert dialog.minimumSizeHint().width() <= narrow
    dialog.resize(narrow, dialog.height())
    qtbot.waitUntil(lambda: dialog.width() == narrow)
    qtbot.waitUntil(
        lambda: details.document().size().height() <= details.viewport().height()
    )
    document = details.document()
    assert document.idealWidth() <= details.viewport().width()  # nothing cut off
    last = document.lastBlock()  # the SHA-256 line, 95 characters
    assert last.text().startswith("SHA-256:")
    assert last.layout().lineCount() >= 2  # wrapped in the middle
    assert details.geometry().right() < dialog.width()
    assert fingerprint in details.text()


def test_an_unreachable_registry(
    qtbot: QtBot, open_window: OpenWindow, test_pki: TestPki
) -> None:
    with LoopbackServer(basic_registry("u", "p"), tls=test_pki.server) as gone:
        url = gone.url
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, url, "alice", "secret", ca=test_pki.ca.cert_pem)

    assert run_test(qtbot, dialog) == FAILED_TEST
    assert panel_of(dialog).outcome_text().startswith("Unreachable.")
    assert "refused the connection" in panel_of(dialog).outcome_text()
    close(qtbot, window, dialog)


def test_a_web_page_is_not_a_registry(
    qtbot: QtBot, open_window: OpenWindow, serve: Serve, test_pki: TestPki
) -> None:
    page = Answer(200, [("Content-Type", "text/html")], b"<html>welcome</html>")
    site = serve(lambda request: page)
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, site.url, "alice", "secret", ca=test_pki.ca.cert_pem)

    assert run_test(qtbot, dialog) == FAILED_TEST
    assert panel_of(dialog).outcome_text().startswith("Not a registry.")
    close(qtbot, window, dialog)


def test_the_window_keeps_working_during_a_slow_test_and_cancel_stops_it(
    qtbot: QtBot, open_window: OpenWindow, serve: Serve, test_pki: TestPki
) -> None:
    slow = serve(lambda request: Answer(200, wait_seconds=60))
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, slow.url, "alice", "secret", ca=test_pki.ca.cert_pem)
    panel = panel_of(dialog)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))

    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(slow.requests) == 1, timeout=WAIT_MS)
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=WAIT_MS)
    timer.stop()

    assert panel.is_running() and panel.busy.isVisible()
    assert panel.stop_button.isVisible() and not panel.test_button.isEnabled()
    dialog.email_edit.setText("typed@example.com")  # the dialog stays usable
    assert dialog.email_edit.text() == "typed@example.com"
    with qtbot.waitSignal(panel.finished) as ended:
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert ended.args == [CANCELLED]
    assert panel.test_button.isEnabled() and not panel.busy.isVisible()
    assert not panel.needs_confirmation()
    close(qtbot, window, dialog)


def test_edit_tests_with_the_stored_password_when_untouched(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_token: RunningRegistry,
) -> None:
    registry = registry_tls_token
    services.integrations.add(_draft(registry, "Stored"), registry.password("reader"))
    window = open_window()
    page = page_of(window)
    page.select(page.data.integrations[0].id)
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    assert dialog is not None and dialog.password() is None

    assert run_test(qtbot, dialog) == PASSED
    dialog.password_edit.setText("typed-wrong")
    assert run_test(qtbot, dialog) == FAILED_TEST
    close(qtbot, window, dialog)


def test_a_dtr_offers_its_ca_to_confirm(
    qtbot: QtBot, open_window: OpenWindow, serve: Serve, test_pki: TestPki
) -> None:
    registry = basic_registry("alice", "secret")

    def dtr(request: Recorded) -> Answer:
        if request.path == "/ca":
            return Answer(200, [("Content-Type", "text/plain")], _ca(test_pki))
        return registry(request)

    server = serve(dtr)
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, server.url, "alice", "secret", provider="dtr")
    panel = panel_of(dialog)
    assert run_test(qtbot, dialog) == FAILED_TEST
    assert panel.fetch_button.isVisible()

    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS):
        qtbot.mouseClick(panel.fetch_button, Qt.MouseButton.LeftButton)
    ca = describe_pem(test_pki.ca.cert_pem)[0]
    assert ca.sha256_fingerprint in panel.offer.details.text()
    assert "/ca" in panel.outcome_text()
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as retested:
        qtbot.mouseClick(panel.offer.accept_button, Qt.MouseButton.LeftButton)

    assert retested.args == [PASSED]
    assert dialog.ca_field.pem() == test_pki.ca.cert_pem.strip()
    close(qtbot, window, dialog)


def test_a_plain_http_registry_needs_insecure_and_the_list_marks_it(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_http_htpasswd: RunningRegistry,
) -> None:
    registry = registry_http_htpasswd
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", registry.password())
    assert not dialog.save_button.isEnabled()  # http:// without "insecure"

    dialog.insecure_box.setChecked(True)
    assert run_test(qtbot, dialog) == PASSED
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    model = page_of(window).model
    index = model.index(0, URL)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert "Insecure" in model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_a_pasted_non_certificate_blocks_save(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, "https://registry.example.com", "alice", "secret")
    assert dialog.save_button.isEnabled()

    dialog.ca_field.set_pem("-----BEGIN CERTIFICATE-----\nnot one\n")

    assert not dialog.save_button.isEnabled()
    assert "not a PEM certificate" in dialog.ca_field.summary.text()
    close(qtbot, window, dialog)


def _draft(registry: RunningRegistry, name: str) -> IntegrationDraft:
    return IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username="reader",
        ca_cert_pem=registry.ca_pem,
    )


def _ca(test_pki: TestPki) -> bytes:
    return test_pki.ca.cert_pem.encode()


def test_a_reply_that_never_comes_times_out(
    qtbot: QtBot, open_window: OpenWindow, serve: Serve, test_pki: TestPki
) -> None:
    slow = serve(lambda request: Answer(200, wait_seconds=60))
    window = open_window()
    page_of(window).registry.calls.timeouts = Timeouts(connect=5, read=0.3)
    dialog = add_dialog(qtbot, window)
    fill(dialog, slow.url, "alice", "secret", ca=test_pki.ca.cert_pem)

    assert run_test(qtbot, dialog) == FAILED_TEST
    assert panel_of(dialog).outcome_text().startswith("Timed out.")
    close(qtbot, window, dialog)


def test_the_ca_loads_from_a_pem_or_der_file_and_says_why_not(
    qtbot: QtBot, open_window: OpenWindow, test_pki: TestPki, tmp_path: Path
) -> None:
    pem_file = tmp_path / "ca.crt"
    pem_file.write_text(test_pki.ca.cert_pem)
    der_file = tmp_path / "ca.cer"
    der_file.write_bytes(test_pki.ca.certificate.public_bytes(Encoding.DER))
    window = open_window()
    field = add_dialog(qtbot, window).ca_field

    field.load_file(str(pem_file))
    assert field.pem() == test_pki.ca.cert_pem.strip()
    field.clear_button.click()
    field.load_file(str(der_file))
    assert field.pem() == test_pki.ca.cert_pem.strip()
    field.load_file(str(tmp_path / "missing.pem"))
    assert "missing.pem could not be used" in field.summary.text()
    assert field.pem() == test_pki.ca.cert_pem.strip()
    close(qtbot, window, page_of(window).dialog)  # type: ignore[arg-type]
