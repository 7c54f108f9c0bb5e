"""TLS set-up that matches what Docker users expect.

The operating system's trust store plus the CA certificate saved with the
integration; certificates that name their host only in the Common Name are
refused, as Docker and Go refuse them. When a handshake fails, the server's
certificate is read again without verifying it, only to show the user what
was presented.

On Linux the OS trust store is OpenSSL's default locations (which honour
``SSL_CERT_FILE`` and ``SSL_CERT_DIR``) or, when those hold nothing, the
distribution's bundle. It is loaded once per context, and contexts are
kept per trust-store state and integration CA: ``truststore`` reloads the
whole bundle for every connection, which cost more than the rest of a
connection test. macOS and Windows verify through the OS itself, with
``truststore``.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import ssl
import sys
from typing import NamedTuple

from dtr_desktop.domain.validation import canonical_ca_pem
from dtr_desktop.registry.certificates import CertificateInfo, describe_der
from dtr_desktop.registry.errors import InvalidCaCertificate

log = logging.getLogger(__name__)

#: OpenSSL verification results that mean "wrong name" rather than "not trusted":
#: X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH.
_NAME_MISMATCH_CODES = frozenset({62, 64})

#: Where Linux distributions keep the system bundle, for an OpenSSL whose own
#: default locations are empty (as on some statically built Pythons).
_DISTRIBUTION_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # Fedora, RHEL
    "/etc/pki/tls/cert.pem",  # older Fedora, RHEL, CentOS
    "/etc/ssl/cert.pem",  # Alpine, Arch
    "/etc/ssl/ca-bundle.pem",  # SUSE
)
_CONTEXTS_KEPT = 64


class _SystemTrust(NamedTuple):
    """What the OS trust store is right now: where it lives and when it changed.

    A context is reused only while this stays the same, so a changed
    ``SSL_CERT_FILE`` or an updated bundle is picked up by the next test.
    """

    cafile: str | None
    capath: str | None
    stamps: tuple[int, ...]


def trust_context(ca_cert_pem: str | None = None) -> ssl.SSLContext:
    """A verifying client context: OS trust store plus the integration's CA.

    A certificate pasted by the user is an anchor even when it is not a CA
    (a self-signed leaf), as in Docker's ``certs.d``. The context is shared
    (contexts are safe to use from several connections and threads): do not
    change its settings.
    """
    return _shared_context(_system_trust(), ca_cert_pem or "")


@functools.lru_cache(maxsize=_CONTEXTS_KEPT)
def _shared_context(system: _SystemTrust, ca_cert_pem: str) -> ssl.SSLContext:
    context = _os_trust_context(system)
    context.hostname_checks_common_name = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    if ca_cert_pem:
        try:
            context.load_verify_locations(cadata=_readable_ca_pem(ca_cert_pem))
        except (ssl.SSLError, ValueError):
            raise InvalidCaCertificate() from None
    return context


def _readable_ca_pem(ca_cert_pem: str) -> str:
    """The integration's CA as OpenSSL reads all of it.

    Saved CAs are written in standard PEM, but one saved by an older version
    may be in a form OpenSSL refuses or, worse, reads only in part (the
    certificates after an indented one are silently dropped). Such text is
    written out again from what ``cryptography`` reads, as a save would.
    """
    if _loads_every_certificate(ca_cert_pem):
        return ca_cert_pem
    try:
        return canonical_ca_pem(ca_cert_pem)
    except ValueError:
        raise InvalidCaCertificate() from None


def _loads_every_certificate(pem: str) -> bool:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        probe.load_verify_locations(cadata=pem)
    except (ssl.SSLError, ValueError, TypeError):
        return False
    loaded: int = probe.cert_store_stats()["x509"]
    return loaded == pem.count("-----BEGIN CERTIFICATE-----")


def _os_trust_context(system: _SystemTrust) -> ssl.SSLContext:
    if not sys.platform.startswith("linux"):
        import truststore

        verifying: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return verifying
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if _folder_holds_the_bundle(system):
        context.load_verify_locations(capath=system.capath)
        return context
    if system.cafile or system.capath:
        context.set_default_verify_paths()
        return context
    for bundle in _DISTRIBUTION_BUNDLES:
        if os.path.isfile(bundle):
            context.load_verify_locations(cafile=bundle)
            break
    else:
        log.warning("no system CA certificates found; only own CAs are trusted")
    return context


def _folder_holds_the_bundle(system: _SystemTrust) -> bool:
    """Whether the hashed folder alone stands for the whole OS trust store.

    True when both locations are OpenSSL's defaults and the bundle file lives
    in the folder, as Debian's and Ubuntu's ``update-ca-certificates`` write
    them: the same certificates, once as one file and once as hashed names.
    OpenSSL then reads a certificate of the folder only when a chain needs
    it, instead of parsing the ~150 of the bundle (~25 ms) in every process
    that tests a connection. Anywhere else both are loaded as before.
    """
    if not (system.cafile and system.capath):
        return False
    defaults = ssl.get_default_verify_paths()
    folder = os.path.realpath(system.capath)
    bundle = os.path.realpath(system.cafile)
    return (
        folder == os.path.realpath(defaults.openssl_capath)
        and bundle == os.path.realpath(defaults.openssl_cafile)
        and os.path.dirname(bundle) == folder
    )


def _system_trust() -> _SystemTrust:
    if not sys.platform.startswith("linux"):
        return _SystemTrust(None, None, ())
    defaults = ssl.get_default_verify_paths()
    cafile: str | None = defaults.cafile
    capath: str | None = defaults.capath
    if capath and not _holds_hashed_certs(capath, _changed_at(capath)):
        capath = None
    watched = (cafile, capath) if cafile or capath else _DISTRIBUTION_BUNDLES
    return _SystemTrust(cafile, capath, tuple(map(_changed_at, watched)))


@functools.lru_cache(maxsize=8)
def _holds_hashed_certs(capath: str, changed_at: int) -> bool:
    """OpenSSL looks certificates up in a folder by ``<hash>.<n>`` names.

    Kept per modification time of the folder, so it is listed once.
    """
    del changed_at  # part of the cache key only
    try:
        names = os.listdir(capath)
    except OSError:
        return False
    return any(_is_hashed_name(name) for name in names)


def _is_hashed_name(name: str) -> bool:
    stem, dot, number = name.partition(".")
    hexadecimal = all(char in "0123456789abcdefABCDEF" for char in stem)
    return bool(dot) and len(stem) == 8 and number.isdigit() and hexadecimal


def _changed_at(path: str | None) -> int:
    try:
        return os.stat(path).st_mtime_ns if path else -1
    except OSError:
        return -1


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
