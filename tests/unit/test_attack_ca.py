"""CA text at the edges of what the form, the CLI and a save accept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.validation import (
    CA_PEM_MAX,
    ca_certificate_error,
    canonical_ca_pem,
    clean_draft,
)
from dtr_desktop.domain.values import IntegrationDraft
from tests.fakes.pki import make_ca

TOO_LONG = "This is too long for a CA certificate."


def one_line_bundle_just_under_the_limit() -> str:
    """Certificates without line breaks: written out again, they grow."""
    one_line = make_ca("one line CA").cert_pem.replace("\n", "")
    text = one_line * (CA_PEM_MAX // len(one_line))
    assert len(text) <= CA_PEM_MAX
    return text


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
