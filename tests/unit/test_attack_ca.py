"""CA text at the edges of what the form, the CLI and a save accept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.validation import (
    CA_PEM_MAX,
    ca_certificate_error,
    canonical_ca_pem,
    clean_draft,
)
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.policy.errors import PolicyError
from dtr_desktop.policy.parse import parse_policy
from dtr_desktop.registry.tls import _loads_every_certificate
from tests.fakes.pki import make_ca

TOO_LONG = "This is too long for a CA certificate."


def one_line_bundle_just_under_the_limit() -> str:
    """Distinct certificates without line breaks: written out again, they grow."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "one line CA")])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
    )
    text = ""
    while True:
        cert = builder.serial_number(x509.random_serial_number()).sign(
            key, hashes.SHA256()
        )
        one_line = cert.public_bytes(serialization.Encoding.PEM).decode()
        one_line = one_line.replace("\n", "")
        if len(text) + len(one_line) > CA_PEM_MAX:
            return text
        text += one_line


def test_a_ca_that_grows_past_the_limit_when_written_out_is_refused_at_once() -> None:
    text = one_line_bundle_just_under_the_limit()

    with pytest.raises(ValueError, match=TOO_LONG):
        canonical_ca_pem(text)
    assert ca_certificate_error(text) == TOO_LONG


def test_what_the_field_accepts_a_save_accepts() -> None:
    draft = IntegrationDraft(
        provider="registry", name="Lab", url="https://127.0.0.1:5000",
        username="bob", email="", ca_cert_pem=one_line_bundle_just_under_the_limit(),
    )  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        clean_draft(draft)

    assert refused.value.field_errors == {"ca_cert_pem": TOO_LONG}
    ca = make_ca("fine CA").cert_pem
    assert ca_certificate_error(ca) is None
    assert clean_draft(replace(draft, ca_cert_pem=ca)).ca_cert_pem == ca.strip()


def test_a_certificate_pasted_twice_is_kept_once_and_loads_in_full() -> None:
    first, second = make_ca("first CA").cert_pem, make_ca("second CA").cert_pem

    pem = canonical_ca_pem(first + second + first + "\n" + second)

    assert pem == (first + second).strip()
    assert _loads_every_certificate(pem)  # used as saved, not rewritten each time


CUT_SHORT = (
    "A certificate here is cut short: each needs its whole text from "
    "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
)


@pytest.mark.parametrize("cut", [200, -30])
def test_a_certificate_cut_short_is_refused_not_dropped(cut: int) -> None:
    first, second = make_ca("first CA").cert_pem, make_ca("second CA").cert_pem

    text = first + second[:cut]

    with pytest.raises(ValueError, match=CUT_SHORT):
        canonical_ca_pem(text)
    assert ca_certificate_error(text) == CUT_SHORT


def test_a_policy_ca_file_larger_than_the_limit_is_a_problem(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(one_line_bundle_just_under_the_limit() + "\n" * 100_000)
    text = (
        "[[integrations]]\n"
        'id = "corp"\nname = "Corp"\ntype = "registry"\n'
        f'url = "https://127.0.0.1:5000"\nca_file = "{bundle}"\n'
    )

    with pytest.raises(PolicyError) as refused:
        parse_policy(text)

    assert f"ca_file {bundle} is larger than 1 MB" in str(refused.value)
