"""Trusting a registry's certificate: the CA field and certificate offers.

An integration may carry its own CA certificate, pasted as PEM or loaded
from a file. When a registry presents a certificate nobody trusts, or a
Docker Trusted Registry serves its CA, the window offers it with what a
person needs to compare against their administrator's word: subject,
issuer, validity and SHA-256 fingerprint. Nothing is trusted until the user
accepts, and nothing is saved until the integration is.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSizeF, Qt, Signal
from PySide6.QtGui import QFontDatabase, QTextOption
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.validation import read_ca_file

if TYPE_CHECKING:
    from dtr_desktop.registry.certificates import CertificateInfo

log = logging.getLogger(__name__)

EMPTY_HINT = "Optional. Without one, the CAs your system trusts are used."
PEM_PLACEHOLDER = "-----BEGIN CERTIFICATE-----\n(paste your registry's CA here)"


def read_certificates(pem: str) -> list[CertificateInfo]:
    """Every certificate in ``pem``; ``ValueError`` when there is none."""
    from dtr_desktop.registry.certificates import describe_pem

    return describe_pem(pem)


def pem_from_file(data: bytes) -> str:
    """PEM text from a .pem/.crt file, or from a DER-encoded .cer file."""
    if b"-----BEGIN" in data:
        return data.decode("ascii", "replace")
    from dtr_desktop.registry.certificates import describe_der

    return describe_der(data).pem


def short_fingerprint(info: CertificateInfo) -> str:
    return info.sha256_fingerprint[:23] + "…"


class CertificateText(QTextEdit):
    """Read-only certificate details that wrap anywhere and grow to fit.

    Fingerprints and distinguished names have no spaces, so a label cannot
    wrap them and would widen the dialog past small screens. Copying gives
    the text exactly as shown, without inserted breaks.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CertificateDetails")
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.viewport().setAutoFillBackground(False)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(self._fit)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def _fit(self, size: QSizeF) -> None:
        margins = self.contentsMargins()
        self.setFixedHeight(int(size.height()) + margins.top() + margins.bottom())


class CertificateOffer(QFrame):
    """Certificate details and one button to trust them (``accepted``)."""

    accepted = Signal(str)

    def __init__(self, accept_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self._pem = ""
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.details = CertificateText()
        self.accept_button = QPushButton(accept_text)
        self.accept_button.clicked.connect(self._accept)
        self.dismiss_button = QPushButton("Not now")
        self.dismiss_button.clicked.connect(self.withdraw)
        self._lay_out()
        self.setVisible(False)

    def offer(
        self,
        heading: str,
        certificates: Sequence[CertificateInfo],
        pem: str,
        can_accept: bool = True,
    ) -> None:
        self._pem = pem
        self.heading.setText(heading)
        self.details.setText("\n\n".join(info.describe() for info in certificates))
        self.accept_button.setVisible(can_accept)
        self.dismiss_button.setVisible(can_accept)
        self.setVisible(True)

    def withdraw(self) -> None:
        self._pem = ""
        self.setVisible(False)

    def _accept(self) -> None:
        pem = self._pem
        self.withdraw()
        if pem:
            self.accepted.emit(pem)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.accept_button)
        layout.addLayout(buttons)


class CaCertificateField(QWidget):
    """The integration's own CA: paste PEM, load a file, or ask the DTR for it."""

    changed = Signal()
    fetch_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_dialog: QFileDialog | None = None
        self._error: str | None = None
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("ca_cert_edit")
        self.edit.setPlaceholderText(PEM_PLACEHOLDER)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(72)
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.textChanged.connect(self._text_changed)
        self.summary = QLabel(EMPTY_HINT)
        self.summary.setObjectName("Hint")
        self.summary.setWordWrap(True)
        self.load_button = QPushButton("Load file…")
        self.load_button.clicked.connect(self.choose_file)
        self.fetch_button = QPushButton("Fetch from DTR…")
        self.fetch_button.setToolTip(
            "Docker Trusted Registry serves its CA at https://HOST/ca"
        )
        self.fetch_button.clicked.connect(self.fetch_requested)
        self.clear_button = QPushButton("Remove")
        self.clear_button.clicked.connect(self.edit.clear)
        self._lay_out()

    def pem(self) -> str | None:
        return self.edit.toPlainText().strip() or None

    def set_pem(self, pem: str | None) -> None:
        self.edit.setPlainText((pem or "").strip())

    def error(self) -> str | None:
        """Why the pasted text is not a certificate, or None."""
        return self._error

    def set_fetch_visible(self, visible: bool) -> None:
        self.fetch_button.setVisible(visible)

    def choose_file(self) -> None:
        """Open the file picker without blocking; ``load_file`` gets the answer."""
        dialog = QFileDialog(
            self,
            "Load CA certificate",
            str(Path.home()),
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.load_file)
        dialog.finished.connect(lambda _result: self._picker_closed(dialog))
        self.file_dialog = dialog
        dialog.open()

    def load_file(self, path: str) -> None:
        """Read a small local file; a broken one leaves the field as it was."""
        try:
            data = _read_small(Path(path))
            self.set_pem(pem_from_file(data))
        except (OSError, ValueError) as error:
            log.info("CA file not loaded: %s", type(error).__name__)
            self._show(f"{Path(path).name} could not be used: {_why(error)}", True)

    def _text_changed(self) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        pem = self.pem()
        self._error = None
        if pem is None:
            self._show(EMPTY_HINT, False)
            return
        from dtr_desktop.domain.validation import canonical_ca_pem

        try:
            certificates = read_certificates(canonical_ca_pem(pem))
        except ValueError as error:
            self._error = str(error)
            self._show(self._error, True)
            return
        self._show(_summary(certificates), _all_expired(certificates))

    def _show(self, text: str, is_error: bool) -> None:
        self.summary.setText(text)
        name = "FieldError" if is_error else "Hint"
        if self.summary.objectName() != name:
            self.summary.setObjectName(name)
            self.summary.style().unpolish(self.summary)
            self.summary.style().polish(self.summary)

    def _picker_closed(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None
        dialog.deleteLater()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.load_button, self.fetch_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)


def _summary(certificates: Sequence[CertificateInfo]) -> str:
    first = certificates[0]
    more = f" (+{len(certificates) - 1} more)" if len(certificates) > 1 else ""
    validity = f"valid until {first.not_after:%Y-%m-%d}"
    if _all_expired(certificates):
        validity = (
            f"expired on {first.not_after:%Y-%m-%d}: connections will fail "
            "until you paste a renewed one"
        )
    return (
        f"Trusted for this integration: {first.subject}{more}\n"
        f"SHA-256 {short_fingerprint(first)}, {validity}"
    )


def _all_expired(certificates: Sequence[CertificateInfo]) -> bool:
    """Such a CA is still saved as given, but no connection can rely on it."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(tzinfo=None)  # not_after is naive UTC
    return all(certificate.not_after < now for certificate in certificates)


def _read_small(path: Path) -> bytes:
    """At most a certificate's worth, from a regular file only.

    A device such as /dev/zero says its size is 0 and never ends, and a named
    pipe blocks until something writes to it: either would hang the window.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        raise ValueError("it is not a regular file")
    data = read_ca_file(path)
    if data is None:
        raise ValueError("the file is too large for a certificate")
    return data


def _why(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or "it could not be read"
    return str(error) or "it holds no certificate"
