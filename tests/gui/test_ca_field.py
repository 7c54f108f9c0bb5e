"""The CA field's hint says "Trusted" only for a CA a connection can use."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from dtr_desktop.ui.trust_panel import CaCertificateField
from tests.fakes.pki import make_ca

END = "-----END CERTIFICATE-----"


def field(qtbot: QtBot) -> CaCertificateField:
    widget = CaCertificateField()
    qtbot.addWidget(widget)
    return widget


def test_pem_run_into_the_end_marker_is_trusted_and_has_no_error(
    qtbot: QtBot,
) -> None:
    widget = field(qtbot)
    odd = make_ca("pasted CA").cert_pem.replace(f"\n{END}", END)

    widget.set_pem(odd)

    assert widget.error() is None
    assert widget.summary.text().startswith(
        "Trusted for this integration: CN=pasted CA"
    )


def test_text_with_a_broken_certificate_is_an_error_next_to_the_field(
    qtbot: QtBot,
) -> None:
    widget = field(qtbot)

    widget.set_pem(f"-----BEGIN CERTIFICATE-----\nAAAA\n{END}")

    assert widget.error() is not None
    assert "not a PEM certificate" in widget.summary.text()
    assert widget.summary.objectName() == "FieldError"
