"""Test connection in the Add and Edit dialog.

The test runs what the form holds (for Edit, the stored password when the
field was not touched) on a worker; the dialog stays usable, shows a busy
bar and a Cancel, then the outcome with an icon. An untrusted certificate
comes with its details and an offer to trust it; a Docker Trusted Registry
can be asked for its CA. Whether the last test failed decides if Save asks
"save anyway?".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.registry_calls import (
    FAILED,
    RegistryCalls,
    kind_icon,
    outcome_kind,
    outcome_label,
)
from dtr_desktop.ui.trust_panel import CertificateOffer

if TYPE_CHECKING:
    from dtr_desktop.registry.dtr_ca import FetchedCa
    from dtr_desktop.services.registry_checks import ConnectionReport, RegistryChecks

log = logging.getLogger(__name__)

#: What the panel last showed: no test yet, a running one, or how it ended.
IDLE, RUNNING, PASSED, FAILED_TEST, NOT_RUN, CANCELLED = (
    "idle",
    "running",
    "passed",
    "failed",
    "not-run",
    "cancelled",
)
UNTRUSTED = "untrusted-certificate"
NAME_MISMATCH = "name-mismatch"


#: What a connection test depends on, besides the password.
TESTED_FIELDS = ("provider", "url", "username", "insecure", "ca_cert_pem")


class TestForm(NamedTuple):
    """The form as the test sees it; ``password=None`` uses the stored one.

    ``url_problem`` says why the URL cannot be tested (the form shows it next
    to the field); ``provider`` is the type chosen in the form, which decides
    what the results offer.
    """

    draft: IntegrationDraft
    password: str | None
    integration_id: str | None
    url_problem: str | None = None
    provider: str = ""


class ConnectionTestPanel(QFrame):
    """The outcome area; its buttons go in the dialog's button row.

    ``finished`` carries the new state each time a test ends (passed, failed,
    not-run or cancelled); ``trust_requested`` carries a PEM the user chose
    to trust for this integration.
    """

    finished = Signal(str)
    trust_requested = Signal(str)
    url_refused = Signal()

    def __init__(
        self,
        calls: RegistryCalls,
        read_form: Callable[[], TestForm],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectionTest")
        self._calls = calls
        self._read_form = read_form
        self._cancel: threading.Event | None = None
        self.state = IDLE
        self.report: ConnectionReport | None = None
        self.tested_form: TestForm | None = None  # what ``report`` was run on
        self._testing: TestForm | None = None
        self._build_buttons()
        self._build_result()
        self.setVisible(False)

    # what the user does ---------------------------------------------------

    def start(self) -> None:
        """Test what the form holds now; a test already running goes on."""
        if self._cancel is not None:
            return
        form = self._read_form()
        if form.url_problem:
            self._refuse_url()
            return
        self._testing = form

        def test(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.test_draft(
                form.draft,
                form.password,
                integration_id=form.integration_id,
                cancel=cancel,
            )

        self._cancel = self._calls.start(test, self._tested, self._could_not_run)
        self._set_running("Testing the connection…")

    def _refuse_url(self) -> None:
        text = "Nothing was tested: correct the registry URL first."
        self._show(NOT_RUN, FAILED, text)
        self.url_refused.emit()
        self.finished.emit(NOT_RUN)

    def cancel(self) -> None:
        """Stop the running test or CA fetch; the dialog is usable at once."""
        if self._cancel is None:
            return
        self._cancel.set()
        self._cancel = None
        self._set_idle_buttons()
        self._show(CANCELLED, None, "Test cancelled. Nothing was checked.")
        self.finished.emit(CANCELLED)

    def fetch_ca(self) -> None:
        """Ask a Docker Trusted Registry for its CA, to show and confirm."""
        if self._cancel is not None:
            return
        url = self._read_form().draft.url

        def fetch(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.fetch_dtr_ca(url, cancel=cancel)

        self._cancel = self._calls.start(fetch, self._fetched, self._fetch_failed)
        self._set_running("Fetching the CA certificate…")

    def form_changed(self) -> None:
        """The form no longer matches the last result: forget it."""
        if self._cancel is None and self.state != IDLE:
            self.clear()

    def clear(self) -> None:
        self.state = IDLE
        self.report = None
        self.tested_form = None
        self.offer.withdraw()
        self.fetch_button.setVisible(False)
        self.setVisible(False)

    def needs_confirmation(self) -> bool:
        """True when the last test failed or could not run."""
        return self.state in (FAILED_TEST, NOT_RUN)

    def is_running(self) -> bool:
        return self._cancel is not None

    def result_for(self, form: TestForm) -> ConnectionReport | None:
        """The last test's report if it ran on what ``form`` would save."""
        tested = self.tested_form
        if self.report is None or tested is None or self.is_running():
            return None
        same = tested.password == form.password and all(
            getattr(tested.draft, field) == getattr(form.draft, field)
            for field in TESTED_FIELDS
        )
        return self.report if same else None

    def outcome_text(self) -> str:
        return self.message.text()

    # results --------------------------------------------------------------

    def _tested(self, report: ConnectionReport) -> None:
        self._cancel = None
        self._set_idle_buttons()
        self.report = report
        self.tested_form = self._testing
        outcome = report.outcome.value
        state = FAILED_TEST if outcome_kind(outcome) == FAILED else PASSED
        log.info("connection test in the dialog: %s", outcome)
        dtr = self._read_form().provider == "dtr"
        self._show(state, outcome_kind(outcome), _headline(report, dtr))
        self._offer_certificate(report)
        self.finished.emit(state)

    def _could_not_run(self, error: Exception) -> None:
        self._cancel = None
        self._set_idle_buttons()
        text = f"The test could not run. {user_message(error)}"
        self._show(NOT_RUN, FAILED, text)
        self.finished.emit(NOT_RUN)

    def _fetched(self, fetched: FetchedCa) -> None:
        self._cancel = None
        self._set_idle_buttons()
        self._show(
            self.state, None, f"Fetched the CA certificate from {fetched.source_url}."
        )
        self.offer.offer(
            "Compare this fingerprint with the one your administrator published "
            "before you trust it. It came over a connection that could not be "
            "verified.",
            fetched.certificates,
            fetched.pem,
        )
        self.finished.emit(self.state)

    def _fetch_failed(self, error: Exception) -> None:
        self._cancel = None
        self._set_idle_buttons()
        self._show(self.state, FAILED, f"No CA was fetched. {user_message(error)}")
        self.finished.emit(self.state)

    def _offer_certificate(self, report: ConnectionReport) -> None:
        outcome = report.outcome.value
        certificate = report.certificate
        dtr = self._read_form().provider == "dtr"
        self.fetch_button.setVisible(outcome == UNTRUSTED and dtr)
        if certificate is None or outcome not in (UNTRUSTED, NAME_MISMATCH):
            return
        trustable = outcome == UNTRUSTED
        heading = (
            "The registry presented this certificate. Trust it for this "
            "integration only if its fingerprint matches what your administrator "
            "published."
            if trustable
            else "The registry presented this certificate:"
        )
        self.offer.offer(heading, [certificate], certificate.pem, trustable)

    # building and showing ---------------------------------------------------

    def _build_buttons(self) -> None:
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("TestConnection")
        self.test_button.setShortcut(QKeySequence("Ctrl+T"))
        self.test_button.setToolTip("Check the URL and credentials as typed (Ctrl+T)")
        self.test_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Cancel test")
        self.stop_button.clicked.connect(self.cancel)
        self.stop_button.setVisible(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)

    def buttons(self) -> list[QWidget]:
        """What goes in the dialog's button row, in order."""
        return [self.test_button, self.busy, self.stop_button]

    def _build_result(self) -> None:
        self.icon = QLabel()
        self.message = QLabel()
        self.message.setObjectName("TestMessage")
        self.message.setWordWrap(True)
        self.fetch_button = QPushButton("Fetch the DTR's CA…")
        self.fetch_button.clicked.connect(self.fetch_ca)
        self.fetch_button.setVisible(False)
        self.offer = CertificateOffer("Trust this certificate")
        self.offer.accepted.connect(self.trust_requested)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.icon)
        top.addWidget(self.message, 1)
        top.addWidget(self.fetch_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.offer)

    def _set_running(self, text: str) -> None:
        self.test_button.setEnabled(False)
        self.stop_button.setVisible(True)
        self.busy.setVisible(True)
        self.offer.withdraw()
        self.fetch_button.setVisible(False)
        self._show(RUNNING, None, text)

    def _set_idle_buttons(self) -> None:
        self.test_button.setEnabled(True)
        self.stop_button.setVisible(False)
        self.busy.setVisible(False)

    def _show(self, state: str, kind: str | None, text: str) -> None:
        self.state = state
        self.message.setText(text)
        if kind is None:
            self.icon.clear()
        else:
            self.icon.setPixmap(kind_icon(kind).pixmap(20, 20))
        self.setVisible(True)


#: Only a Docker Trusted Registry serves its CA at https://HOST/ca.
DTR_CA_ADVICE = " A Docker Trusted Registry serves its CA at /ca: use Fetch from DTR…"


def _headline(report: ConnectionReport, dtr: bool) -> str:
    message = report.message
    if dtr and report.outcome.value == "untrusted-certificate":
        message += DTR_CA_ADVICE
    return f"{outcome_label(report.outcome.value)}. {message}"
