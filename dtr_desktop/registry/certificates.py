"""What a person needs to see before trusting a certificate.

When a registry presents a certificate that is not trusted, the window shows
its subject, issuer, validity and SHA-256 fingerprint so the user can compare
them with what their administrator published, then decide.

``cryptography`` is imported when a certificate is described, not with this
module: a connection test that succeeds never needs it, and the command
line would pay for it on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """One X.509 certificate, summarised for a trust decision."""

    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    is_ca: bool
    self_signed: bool
    pem: str

    @property
    def has_subject_alt_names(self) -> bool:
        return bool(self.dns_names or self.ip_addresses)

    def describe(self) -> str:
        """A few lines for a dialog or a terminal."""
        names = ", ".join((*self.dns_names, *self.ip_addresses)) or "none"
        return (
            f"Subject: {self.subject}\n"
            f"Issuer: {self.issuer}\n"
            f"Valid: {self.not_before:%Y-%m-%d %H:%M} to "
            f"{self.not_after:%Y-%m-%d %H:%M} UTC\n"
            f"Names (SAN): {names}\n"
            f"SHA-256: {self.sha256_fingerprint}"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha256_fingerprint": self.sha256_fingerprint,
            "dns_names": list(self.dns_names),
            "ip_addresses": list(self.ip_addresses),
            "is_ca": self.is_ca,
            "self_signed": self.self_signed,
        }


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER encoding, as colon-separated upper-case hex."""
    from cryptography.hazmat.primitives import hashes

    digest = cert.fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


def describe_certificate(cert: x509.Certificate) -> CertificateInfo:
    from cryptography.hazmat.primitives import serialization

    dns_names, ip_addresses = _alt_names(cert)
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc.replace(tzinfo=None),
        not_after=cert.not_valid_after_utc.replace(tzinfo=None),
        sha256_fingerprint=fingerprint(cert),
        dns_names=dns_names,
        ip_addresses=ip_addresses,
        is_ca=_is_ca(cert),
        self_signed=cert.subject == cert.issuer,
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def describe_der(der: bytes) -> CertificateInfo:
    from cryptography import x509

    return describe_certificate(x509.load_der_x509_certificate(der))


def describe_pem(pem: str | bytes) -> list[CertificateInfo]:
    """Every certificate in a PEM bundle; ``ValueError`` when there is none."""
    from cryptography import x509

    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    certs = x509.load_pem_x509_certificates(data)
    return [describe_certificate(cert) for cert in certs]


def _alt_names(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    try:
        extension = cert.extensions.get_extension_for_oid(
            ExtensionOID.SUBJECT_ALTERNATIVE_NAME
        )
    except x509.ExtensionNotFound:
        return (), ()
    names = extension.value
    assert isinstance(names, x509.SubjectAlternativeName)
    dns = tuple(names.get_values_for_type(x509.DNSName))
    ips = tuple(str(ip) for ip in names.get_values_for_type(x509.IPAddress))
    return dns, ips


def _is_ca(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca
