"""What can go wrong talking to a registry, in words the user can act on.

Every failure of a connection test, an access check or a browse ends as one
of these errors. Each class names its :class:`Outcome` (what the CLI prints
and the Integrations table stores) and builds a message that says what
happened and what to do. This module is the one place where registry
failures become user messages; the window and the CLI show ``str(error)``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from dtr_desktop.domain.errors import DtrDesktopError
from dtr_desktop.registry.certificates import CertificateInfo


class Outcome(StrEnum):
    """The verdict of a connection test, as the CLI and the table show it."""

    OK = "ok"
    UNVERIFIED = "unverified"
    BAD_CREDENTIALS = "bad-credentials"
    NO_PERMISSION = "no-permission"
    UNTRUSTED_CERTIFICATE = "untrusted-certificate"
    NAME_MISMATCH = "name-mismatch"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    NOT_A_REGISTRY = "not-a-registry"
    RATE_LIMITED = "rate-limited"
    INSECURE_REFUSED = "insecure-refused"
    SERVER_ERROR = "server-error"
    UNEXPECTED = "unexpected"


#: A short label per outcome, for a table cell or a status line.
OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.OK: "Connected",
    Outcome.UNVERIFIED: "Credentials not checked",
    Outcome.BAD_CREDENTIALS: "Wrong user name or password",
    Outcome.NO_PERMISSION: "No permission",
    Outcome.UNTRUSTED_CERTIFICATE: "Certificate not trusted",
    Outcome.NAME_MISMATCH: "Certificate is for another name",
    Outcome.UNREACHABLE: "Unreachable",
    Outcome.TIMEOUT: "Timed out",
    Outcome.NOT_A_REGISTRY: "Not a registry",
    Outcome.RATE_LIMITED: "Rate limited",
    Outcome.INSECURE_REFUSED: "Refused: not secure",
    Outcome.SERVER_ERROR: "Registry error",
    Outcome.UNEXPECTED: "Unexpected answer",
}


class CheckCancelled(DtrDesktopError):
    """The user cancelled a test, an access check or a listing."""

    def __init__(self) -> None:
        super().__init__("Cancelled.")


class RegistryError(DtrDesktopError):
    """Base of every registry failure; ``outcome`` says which kind."""

    outcome: ClassVar[Outcome] = Outcome.UNEXPECTED

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(message)


class RegistryUnreachable(RegistryError):
    outcome = Outcome.UNREACHABLE


class RegistryTimeout(RegistryError):
    outcome = Outcome.TIMEOUT

    def __init__(self, host: str, seconds: float, *, accepted: bool) -> None:
        """``accepted``: the server took the connection, then fell silent."""
        self.accepted = accepted
        if accepted:
            what = "accepted the connection but did not answer"
            advice = (
                "The registry may be overloaded, or something else listens on "
                "that port; check the address and port, then try again."
            )
        else:
            what = "did not accept a connection"
            advice = "Check the address and your network or proxy, then try again."
        super().__init__(f"{host} {what} within {seconds:g} seconds. {advice}")


class CertificateProblem(RegistryError):
    """A TLS failure; ``certificate`` is what the server presented, if read."""

    def __init__(
        self, message: str, certificate: CertificateInfo | None, url: str | None
    ) -> None:
        self.certificate = certificate
        super().__init__(message, url=url)


class UntrustedCertificate(CertificateProblem):
    outcome = Outcome.UNTRUSTED_CERTIFICATE

    def __init__(
        self, host: str, reason: str, certificate: CertificateInfo | None
    ) -> None:
        self.reason = reason
        super().__init__(
            f"The certificate of {host} is not trusted ({reason}). If your "
            "administrator confirms its fingerprint, add their CA certificate to "
            "this integration.",
            certificate,
            None,
        )


class CertificateNameMismatch(CertificateProblem):
    outcome = Outcome.NAME_MISMATCH

    def __init__(self, host: str, certificate: CertificateInfo | None) -> None:
        detail = "Use the host name the certificate was issued for."
        if certificate is not None and not certificate.has_subject_alt_names:
            detail = (
                "It names its host only in the Common Name, which Docker rejects; "
                "ask your administrator for a certificate with subjectAltName."
            )
        super().__init__(
            f"The certificate of {host} is not valid for that name. {detail}",
            certificate,
            None,
        )


class InvalidCaCertificate(RegistryError):
    outcome = Outcome.UNTRUSTED_CERTIFICATE

    def __init__(self) -> None:
        super().__init__(
            "The CA certificate of this integration could not be read. Paste it "
            "again in PEM form (-----BEGIN CERTIFICATE-----) or remove it."
        )


class NotARegistry(RegistryError):
    outcome = Outcome.NOT_A_REGISTRY

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(
            f"{url} does not answer like a Docker registry ({detail}). Check the "
            "URL: it should be the registry's address, not a web page.",
            url=url,
        )


class BadCredentials(RegistryError):
    outcome = Outcome.BAD_CREDENTIALS


class NoPermission(RegistryError):
    outcome = Outcome.NO_PERMISSION


class CatalogNotAllowed(NoPermission):
    def __init__(self, url: str) -> None:
        super().__init__(
            "This registry does not list its repositories to this account. Type "
            "the name of a repository (for example team/app) to see its tags.",
            url=url,
        )


class RepositoryNotFound(RegistryError):
    outcome = Outcome.NO_PERMISSION

    def __init__(self, repository: str) -> None:
        self.repository = repository
        super().__init__(
            f"Repository {repository!r} does not exist, or this account cannot see "
            "it. Check the name (for example team/app)."
        )


class RateLimited(RegistryError):
    outcome = Outcome.RATE_LIMITED

    def __init__(self, host: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        when = (
            f"in {retry_after:g} seconds"
            if retry_after is not None
            else "in a few minutes"
        )
        super().__init__(
            f"{host} is limiting requests from you. Try again {when}; "
            "dtr-desktop does not retry by itself."
        )


class InsecureRefused(RegistryError):
    outcome = Outcome.INSECURE_REFUSED


class ServerError(RegistryError):
    outcome = Outcome.SERVER_ERROR

    def __init__(self, host: str, status: int) -> None:
        self.status = status
        super().__init__(
            f"{host} answered with a server error (HTTP {status}). The registry "
            "may be down or overloaded; try again later or tell its administrator."
        )


class UnexpectedResponse(RegistryError):
    outcome = Outcome.UNEXPECTED


class ResponseTooLarge(UnexpectedResponse):
    def __init__(self, host: str, limit: int) -> None:
        super().__init__(
            f"{host} sent a reply larger than {limit // 1024} KiB where a small "
            "one was expected; it was not read. Check the URL points at a registry."
        )
