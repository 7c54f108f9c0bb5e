"""CA certificates in the layouts people paste, read the same everywhere.

``cryptography`` reads PEM that Python's ``ssl`` module refuses or reads
only in part; what the form, the CLI and the policy accept is written out
again in standard PEM, and a CA saved before that is read in full.
"""

from __future__ import annotations

import ssl
from dataclasses import replace

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.validation import (
    ca_certificate_error,
    canonical_ca_pem,
    draft_errors,
)
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.policy.errors import PolicyError
from dtr_desktop.policy.parse import parse_policy
from dtr_desktop.registry.errors import InvalidCaCertificate
from dtr_desktop.registry.tls import trust_context
from dtr_desktop.services import Services
from dtr_desktop.store.queries import IntegrationStore
from tests.fakes.pki import KeyPair, make_ca

END = "-----END CERTIFICATE-----"


@pytest.fixture(scope="module")
def first() -> KeyPair:
    return make_ca("first pasted CA")


@pytest.fixture(scope="module")
def second() -> KeyPair:
    return make_ca("second pasted CA")


def run_into_end(pem: str) -> str:
    return pem.replace(f"\n{END}", END)


def indented(pem: str) -> str:
    return "    " + pem.replace("\n", "\n    ")


def ssl_reads(pem: str) -> int:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=pem)
    count: int = context.cert_store_stats()["x509"]
    return count


@pytest.mark.parametrize(
    "layout",
    [
        run_into_end,
        indented,
        lambda pem: pem.replace("\n", ""),
        lambda pem: pem.replace("\n", "\r\n"),
        lambda pem: "Issued by the platform team:\n" + pem,
    ],
    ids=["run-into-end", "indented", "one-line", "crlf", "comment"],
)
def test_pasted_layouts_become_the_standard_pem(first: KeyPair, layout: object) -> None:
    assert callable(layout)
    pasted = layout(first.cert_pem)

    assert canonical_ca_pem(pasted) == first.cert_pem.strip()
    assert ca_certificate_error(pasted) is None
    assert ssl_reads(canonical_ca_pem(pasted)) == 1


def test_odd_pem_is_one_ssl_refuses_without_the_fix(first: KeyPair) -> None:
    with pytest.raises(ssl.SSLError):
        ssl_reads(run_into_end(first.cert_pem))


def test_a_bundle_keeps_every_certificate_and_drops_a_private_key(
    first: KeyPair, second: KeyPair
) -> None:
    pasted = first.cert_pem + indented(second.cert_pem) + first.key_pem

    pem = canonical_ca_pem(pasted)

    assert pem == (first.cert_pem + second.cert_pem).strip()
    assert "PRIVATE KEY" not in pem


@pytest.mark.parametrize(
    "text",
    [
        f"-----BEGIN CERTIFICATE-----\nnot base64\n{END}\n",
        "just some words",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
    ],
)
def test_text_that_holds_no_certificate_is_refused(text: str) -> None:
    draft = IntegrationDraft(
        name="x", provider="registry", url="registry.example.com", ca_cert_pem=text
    )

    assert "not a PEM certificate" in (ca_certificate_error(text) or "")
    assert "not a PEM certificate" in draft_errors(draft)["ca_cert_pem"]


def test_an_empty_field_is_no_certificate_and_no_error() -> None:
    assert ca_certificate_error(None) is None
    assert ca_certificate_error("  \n") is None


def test_a_stored_bundle_ssl_reads_only_in_part_is_trusted_in_full(
    first: KeyPair, second: KeyPair
) -> None:
    """An older version saved it as pasted: ``ssl`` silently drops the second."""
    stored = first.cert_pem + indented(second.cert_pem)
    assert ssl_reads(stored) == 1

    with_both = trust_context(stored).cert_store_stats()["x509"]
    without = trust_context(None).cert_store_stats()["x509"]

    assert with_both - without == 2


def test_a_stored_unreadable_ca_still_says_so() -> None:
    with pytest.raises(InvalidCaCertificate):
        trust_context(f"-----BEGIN CERTIFICATE-----\nAAAA\n{END}\n")


def test_policy_ca_is_kept_in_the_standard_form(first: KeyPair) -> None:
    text = (
        "[[integrations]]\n"
        'id = "corp"\nname = "Corp"\ntype = "registry"\n'
        'url = "https://registry.corp.example"\n'
        f'ca_certificate = """\n{run_into_end(first.cert_pem)}"""\n'
    )

    policy = parse_policy(text)

    assert policy.integrations[0].ca_cert_pem == first.cert_pem.strip()


def test_policy_ca_that_holds_no_certificate_is_a_problem() -> None:
    text = (
        "[[integrations]]\n"
        'id = "corp"\nname = "Corp"\ntype = "registry"\n'
        'url = "https://registry.corp.example"\n'
        f'ca_certificate = """\n-----BEGIN CERTIFICATE-----\nAAAA\n{END}\n"""\n'
    )

    with pytest.raises(PolicyError) as refused:
        parse_policy(text)

    assert "not a PEM certificate" in str(refused.value)


BROKEN = f"-----BEGIN CERTIFICATE-----\nAAAA\n{END}"


def stored_with_broken_ca(services: Services, name: str, locked: bool) -> str:
    """An integration saved before CAs were checked (a policy's, when locked)."""
    draft = IntegrationDraft(
        name=name,
        provider="registry",
        url="https://registry.example.com",
        ca_cert_pem=BROKEN,
    )
    with services.session() as session:
        row = IntegrationStore(session).add(draft, managed=locked, locked=locked)
        session.commit()
        return row.id


def test_a_locked_integration_with_an_unreadable_ca_can_still_be_edited(
    services: Services,
) -> None:
    integration_id = stored_with_broken_ca(services, "Managed", locked=True)
    stored = services.integrations.get_by_id(integration_id)

    edited = services.integrations.edit(
        integration_id, replace(stored.draft(), email="ops@example.com")
    )

    assert (edited.email, edited.ca_cert_pem) == ("ops@example.com", BROKEN)


def test_an_own_integration_with_an_unreadable_ca_is_asked_to_fix_it(
    services: Services,
) -> None:
    integration_id = stored_with_broken_ca(services, "Own", locked=False)
    stored = services.integrations.get_by_id(integration_id)

    with pytest.raises(ValidationError) as refused:
        services.integrations.edit(
            integration_id, replace(stored.draft(), email="ops@example.com")
        )

    assert list(refused.value.field_errors) == ["ca_cert_pem"]
    assert services.integrations.get_by_id(integration_id).email == ""
