"""TLS set-up that matches what Docker users expect.

The operating system's trust store (through truststore) plus the CA
certificate saved with the integration; certificates that name their host
only in the Common Name are refused, as Docker and Go refuse them. When a
handshake fails, the server's certificate is read again without verifying it,
only to show the user what was presented.
"""

from __future__ import annotations

import logging
import socket
import ssl

import truststore

from dtr_desktop.registry.certificates import CertificateInfo, describe_der
from dtr_desktop.registry.errors import InvalidCaCertificate

log = logging.getLogger(__name__)

#: OpenSSL verification results that mean "wrong name" rather than "not trusted":
#: X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH.
_NAME_MISMATCH_CODES = frozenset({62, 64})


def trust_context(ca_cert_pem: str | None = None) -> ssl.SSLContext:
    """A verifying client context: OS trust store plus the integration's CA.

    A certificate pasted by the user is an anchor even when it is not a CA
    (a self-signed leaf), as in Docker's ``certs.d``.
    """
    context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.hostname_checks_common_name = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    if ca_cert_pem:
        try:
            context.load_verify_locations(cadata=ca_cert_pem)
        except (ssl.SSLError, ValueError):
            raise InvalidCaCertificate() from None
    return context


def unverified_context() -> ssl.SSLContext:
    """For reading a certificate to show it, or a CA to be confirmed; never trust."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def is_name_mismatch(error: ssl.SSLCertVerificationError) -> bool:
    return error.verify_code in _NAME_MISMATCH_CODES


def read_server_certificate(
    host: str, port: int, timeout: float
) -> CertificateInfo | None:
    """The certificate a server presents, unverified; ``None`` if it cannot be read.

    This second connection goes straight to the host, not through a proxy.
    """
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            unverified_context().wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ValueError) as error:
        log.info("could not read the certificate of %s:%s: %s", host, port, error)
        return None
    return describe_der(der) if der else None
