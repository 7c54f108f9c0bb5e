"""Fetching the CA certificate that Docker Trusted Registry serves at ``/ca``.

The fetch cannot verify the server (its CA is what we are fetching), so the
result is only an offer: the window shows the fingerprint and the user
confirms it against what their administrator published before it is saved.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.validation import normalize_url
from dtr_desktop.registry.certificates import CertificateInfo, describe_pem
from dtr_desktop.registry.errors import UnexpectedResponse
from dtr_desktop.registry.http import HttpSession, Timeouts, make_http_client
from dtr_desktop.registry.tls import unverified_context

CA_LIMIT = 256 * 1024


@dataclass(frozen=True, slots=True)
class FetchedCa:
    """PEM text as served, and each certificate in it for the user to confirm."""

    source_url: str
    pem: str
    certificates: tuple[CertificateInfo, ...]


def fetch_dtr_ca(
    registry_url: str,
    *,
    timeouts: Timeouts | None = None,
    cancel: threading.Event | None = None,
) -> FetchedCa:
    """GET ``https://HOST/ca`` without trusting it; raise if it is no certificate."""
    timeouts = timeouts or Timeouts()
    with make_http_client(unverified_context(), timeouts) as client:
        session = HttpSession(client, timeouts, cancel=cancel)
        reply = session.request("GET", _ca_url(registry_url), limit=CA_LIMIT)
    reply.raise_for_common()
    if reply.status != 200:
        raise UnexpectedResponse(
            f"{reply.host} has no CA certificate at /ca (HTTP {reply.status}). "
            "Only Docker Trusted Registry serves one; ask your administrator for "
            "the CA certificate file instead.",
            url=str(reply.url),
        )
    text = reply.body.decode("ascii", "replace")
    try:
        certificates = tuple(describe_pem(text))
    except ValueError:
        raise UnexpectedResponse(
            f"{reply.host}/ca did not return a PEM certificate. Ask your "
            "administrator for the CA certificate file.",
            url=str(reply.url),
        ) from None
    return FetchedCa(str(reply.url), text.strip() + "\n", certificates)


def _ca_url(registry_url: str) -> str:
    try:
        base = normalize_url(registry_url)
    except ValueError as error:
        raise ValidationError({"url": str(error)}) from None
    host = base.split("://", 1)[1].split("/", 1)[0]
    return f"https://{host}/ca"
