"""Message boxes with texts the screen cannot hold, and the CA field's Load
file with files that never end or never open.

/dev/zero says its size is 0 and has no end; a named pipe blocks whoever
opens it until something writes. Either would hang the window.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.validation import CA_PEM_MAX
from dtr_desktop.ui.messages import WHOLE_TEXT_IN_DETAILS, Prompter
from dtr_desktop.ui.trust_panel import CaCertificateField
from tests.fakes.pki import make_ca
from tests.gui.test_dialog_fit import (
    LONG_REASON,
    assert_on_screen,
    assert_whole_text,
    shown_box,
)


def field(qtbot: QtBot) -> CaCertificateField:
    widget = CaCertificateField()
    qtbot.addWidget(widget)
    return widget


def pipe(tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    os.mkfifo(path)
    return str(path)


def device(_tmp_path: Path) -> str:
    return "/dev/zero"


@pytest.mark.parametrize("make_path", [device, pipe])
def test_a_file_that_is_not_regular_is_refused_next_to_the_field(
    qtbot: QtBot, tmp_path: Path, make_path: Callable[[Path], str]
) -> None:
    widget = field(qtbot)
    ca = make_ca("kept CA").cert_pem
    widget.set_pem(ca)
    path = make_path(tmp_path)

    widget.load_file(path)

    assert widget.pem() == ca.strip()
    assert widget.summary.text() == (
        f"{Path(path).name} could not be used: it is not a regular file"
    )
    assert widget.summary.objectName() == "FieldError"


def test_a_file_larger_than_a_certificate_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = field(qtbot)
    big = tmp_path / "big.pem"
    big.write_bytes(make_ca("big CA").cert_pem.encode() * (CA_PEM_MAX // 400))

    widget.load_file(str(big))

    assert widget.pem() is None
    assert widget.summary.text() == (
        "big.pem could not be used: the file is too large for a certificate"
    )


def test_load_file_takes_a_bundle_as_large_as_the_field_and_cli_accept(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = field(qtbot)
    bundle = "".join(make_ca(f"CA {n}").cert_pem for n in range(500))
    assert 256 * 1024 < len(bundle.encode()) < CA_PEM_MAX  # past the old limit
    path = tmp_path / "bundle.pem"
    path.write_text(bundle, encoding="ascii")

    widget.load_file(str(path))

    assert widget.pem() is not None
    assert widget.pem().count("BEGIN CERTIFICATE") == 500
    assert widget.summary.objectName() != "FieldError"


POLICY_PROBLEMS = "\n".join(
    f"line {n}: ca_file /etc/dtr/ca-{n}.pem holds no PEM certificate"
    for n in range(1, 301)
)
LONG_PATH = "/home/user/" + "deep-folder/" * 40 + "config.json"


@pytest.mark.parametrize(
    "text",
    [LONG_REASON * 400, POLICY_PROBLEMS, f"Wrote {LONG_PATH}.", "Short."],
    ids=["taller-than-the-screen", "many-lines", "long-path", "short"],
)
def test_a_box_stays_on_screen_and_keeps_the_whole_text_reachable(
    qtbot: QtBot, text: str
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    prompter = Prompter(parent)

    prompter.confirm("Save anyway?", text, lambda: None, yes_text="Go")
    box = shown_box(qtbot, prompter)

    assert_on_screen(box)
    assert_whole_text(box)
    if text == "Short.":
        assert (box.text(), box.detailedText()) == ("Short.", "")
    else:
        assert box.detailedText() == text
        assert box.informativeText() == WHOLE_TEXT_IN_DETAILS
        show_details(box)
        assert_on_screen(box)
    prompter.answer(QMessageBox.StandardButton.No)


def show_details(box: QMessageBox) -> None:
    role = QMessageBox.ButtonRole.ActionRole
    [details] = [b for b in box.buttons() if box.buttonRole(b) == role]
    details.click()
    QApplication.processEvents()
    edit = box.findChild(QTextEdit)
    assert edit is not None and edit.isVisible()
    assert edit.toPlainText() == box.detailedText()


def expired_ca_pem() -> str:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old CA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now - timedelta(days=35))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_an_expired_ca_says_so_next_to_the_field(qtbot: QtBot) -> None:
    widget = field(qtbot)

    widget.set_pem(expired_ca_pem())

    expired = widget.summary.text().splitlines()[1].split(", ", 1)[1]
    assert expired.startswith("expired on ")
    assert expired.endswith(": connections will fail until you paste a renewed one")
    assert widget.summary.objectName() == "FieldError"
    assert widget.error() is None  # saved as given; the user may renew it later


def test_an_expired_ca_in_a_bundle_with_a_valid_one_is_no_warning(
    qtbot: QtBot,
) -> None:
    widget = field(qtbot)

    widget.set_pem(expired_ca_pem() + make_ca("new CA").cert_pem)

    assert "valid until " in widget.summary.text()
    assert widget.summary.objectName() == "Hint"
