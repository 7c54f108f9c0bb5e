"""Rules for what an integration may hold, shared by the window and the CLI.

Every check returns a reason a person can act on, keyed by the form field it
belongs to, so the dialog can show it next to that field.
"""

from __future__ import annotations

import unicodedata
from os import PathLike

from dtr_desktop.domain.errors import ValidationError

# The credential helper imports this module for ``registry_host_key`` before
# every docker pull, so the providers, the value classes (dataclasses),
# ``urllib.parse``, ``ipaddress`` and ``re`` are loaded on first use, not
# here; ``re`` caches the patterns. The host key needs none of them.
# TYPE_CHECKING is typing's constant without importing ``typing``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from dtr_desktop.domain.values import IntegrationDraft

NAME_MAX = 64
USERNAME_MAX = 255
EMAIL_MAX = 254
# Long enough for cloud registries' access tokens, which run to a few KB.
PASSWORD_MAX = 65536
URL_MAX = 2048
HOST_MAX = 253

_HOST_LABEL = r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
_PATH_SEGMENT = r"^[A-Za-z0-9._~-]+$"
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
# Format characters that are part of ordinary text: the joiners inside emoji
# sequences and in Persian and Indic words.
_JOINERS = {"\u200c", "\u200d"}
# Letters that render as nothing: Hangul fillers and the braille blank.
_BLANKS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_control_characters(text: str) -> bool:
    return any(
        unicodedata.category(char) in _INVISIBLE and char not in _JOINERS
        for char in text
    )


def normalize_name(name: str) -> str:
    """Trimmed, in Unicode's composed form, so one name has one spelling."""
    return unicodedata.normalize("NFC", name.strip())


def name_key(name: str) -> str:
    """The form of a name that uniqueness is checked on.

    Case and Unicode's compatibility variants (composed or decomposed
    accents, full-width letters, ligatures) do not make a different name.
    """
    return unicodedata.normalize("NFKC", normalize_name(name)).casefold()


def _is_blank(text: str) -> bool:
    return all(char.isspace() or char in _BLANKS for char in text)


def name_error(name: str) -> str | None:
    name = normalize_name(name)
    if _is_blank(name):
        return "Enter a name for the integration."
    if len(name) > NAME_MAX:
        return f"Use at most {NAME_MAX} characters (this has {len(name)})."
    if has_control_characters(name):
        return "Remove the control or invisible characters from the name."
    return None


def email_error(email: str) -> str | None:
    email = email.strip()
    if not email:
        return None
    import re

    if len(email) > EMAIL_MAX or not re.match(_EMAIL, email):
        return "Enter an email address like name@example.com, or leave it empty."
    if has_control_characters(email):
        return "Remove the control characters from the email address."
    return None


def username_error(username: str, provider_id: str) -> str | None:
    from dtr_desktop.domain.providers import provider_by_id

    provider = provider_by_id(provider_id)
    if not username:
        if provider.anonymous_allowed:
            return None
        return f"{provider.label} needs a user name."
    if username != username.strip():
        return "Remove the spaces around the user name."
    if len(username) > USERNAME_MAX:
        return f"Use at most {USERNAME_MAX} characters."
    if ":" in username:
        return "A registry user name cannot contain ':'."
    if has_control_characters(username):
        return "Remove the control characters from the user name."
    return None


def password_error(password: str, username: str) -> str | None:
    """Checks a newly typed password; an untouched Edit field is not checked."""
    if username and not password:
        return "Enter the password or access token."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters for the password."
    if "\x00" in password:
        return "The password cannot contain a NUL character."
    if any("\ud800" <= char <= "\udfff" for char in password):
        # What undecodable bytes on standard input turn into.
        return "The password must be UTF-8 text."
    return None


def normalize_url(raw: str) -> str:
    """Return the canonical registry URL, or raise ``ValueError`` saying why.

    https is assumed when no scheme is typed, the host is lowercased, and a
    trailing slash is dropped, so one registry has one spelling.
    """
    text = raw.strip()
    if not text:
        raise ValueError("Enter the registry URL, e.g. https://registry.example.com.")
    if len(text) > URL_MAX:
        raise ValueError(f"Use at most {URL_MAX} characters.")
    if any(char.isspace() for char in text) or has_control_characters(text):
        raise ValueError("The URL cannot contain spaces or control characters.")
    if not _has_scheme(text):
        text = "https://" + text
    parts = _split_url(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"Use an https:// (or http://) URL, not {scheme}://.")
    if "@" in parts.netloc:
        raise ValueError(
            "Remove the user name and password from the URL; "
            "they go in their own fields."
        )
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("Remove the ?query or #fragment from the URL.")
    host = _normalize_host(parts.netloc)
    port = _port_suffix(parts.netloc)
    if port == {"https": ":443", "http": ":80"}[scheme]:
        port = ""
    path = _normalize_path(parts.path)
    return f"{scheme}://{host}{port}{path}"


def _normalize_path(path: str) -> str:
    """A path prefix of plain segments (some registries live below one)."""
    import re

    segments = [segment for segment in path.split("/") if segment]
    for segment in segments:
        if segment in (".", "..") or not re.match(_PATH_SEGMENT, segment):
            raise ValueError(
                "The URL's path may only hold letters, digits and . _ ~ - "
                "between slashes; most registries need no path at all."
            )
    return "".join(f"/{segment}" for segment in segments)


def _split_url(text: str) -> SplitResult:
    from urllib.parse import urlsplit

    netloc = text.split("://", 1)[1].split("/", 1)[0]
    _split_netloc(netloc.rsplit("@", 1)[-1])  # our own message for bad brackets
    try:
        return urlsplit(text)
    except ValueError:
        host = _split_netloc(netloc.rsplit("@", 1)[-1])[0]
        raise ValueError(f"{host} is not a valid IPv6 address.") from None


def _has_scheme(text: str) -> bool:
    """Whether ``text`` starts with ``scheme://`` (RFC 3986's scheme letters)."""
    scheme, separator, _ = text.partition("://")
    if not separator or not scheme[:1].isascii() or not scheme[:1].isalpha():
        return False
    return all(char.isascii() and (char.isalnum() or char in "+.-") for char in scheme)


def _split_netloc(netloc: str) -> tuple[str, str | None]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise ValueError("Close the IPv6 address with ']'.")
        rest = netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError("Put ':port' right after the IPv6 address.")
        return netloc[: end + 1], (rest[1:] if rest else None)
    if netloc.count(":") > 1:
        raise ValueError("Put an IPv6 address in brackets, e.g. https://[::1]:5000.")
    host, sep, port = netloc.partition(":")
    return host, (port if sep else None)


def _normalize_host(netloc: str) -> str:
    host, _ = _split_netloc(netloc)
    if not host:
        raise ValueError("The URL needs a host name, e.g. registry.example.com.")
    if "%" in host:
        raise ValueError("Remove the %-escape or %zone from the host name.")
    if host.startswith("["):
        import ipaddress

        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValueError(f"{host} is not a valid IPv6 address.") from None
        return f"[{address.compressed}]"
    ascii_host = canonical_host(host)
    if len(ascii_host) > HOST_MAX:
        raise ValueError(f"A host name has at most {HOST_MAX} characters.")
    import re

    labels = ascii_host.split(".")
    if not all(re.match(_HOST_LABEL, label) for label in labels):
        raise ValueError(f"{host!r} is not a valid host name.")
    if labels[-1].isdigit() or labels[-1].startswith("0x"):
        _check_ipv4(ascii_host)
    return ascii_host


def canonical_host(host: str) -> str:
    """The lowercase ASCII form of a host name; raises ``ValueError``.

    International names are encoded by IDNA 2008 with UTS 46 mapping, as
    browsers and Go's resolver do; Python's own ``idna`` codec follows the
    older rules, which turn some names (``straße``) into another domain.
    """
    host = host.rstrip(".")
    if host.isascii():
        return host.lower()
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValueError(f"{host!r} is not a valid host name.") from None


def _check_ipv4(host: str) -> None:
    """A numeric host must be a plain dotted quad, not 127.1 or 0x7f.1."""
    import ipaddress

    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        raise ValueError(f"{host} is not a valid IPv4 address.") from None


def _port_suffix(netloc: str) -> str:
    _, port = _split_netloc(netloc)
    if port is None:
        return ""
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise ValueError("The port must be a number from 1 to 65535.")
    return f":{int(port)}"


def url_error(url: str) -> str | None:
    try:
        normalize_url(url)
    except ValueError as error:
        return str(error)
    return None


CA_PEM_MAX = 1_000_000
_BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----"
_CUT_SHORT = (
    "A certificate here is cut short: each needs its whole text from "
    "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
)
_NOT_A_CERTIFICATE = (
    "This is not a PEM certificate: it needs the whole text from "
    "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
)


def read_ca_file(path: str | PathLike[str]) -> bytes | None:
    """A CA file's bytes; ``None`` when it is larger than ``CA_PEM_MAX``.

    Only the limit and one byte more are read, so /dev/zero or a huge file
    cannot fill memory, and a bundle cut at the limit is never taken for a
    shorter one. ``OSError`` when it cannot be opened or read.
    """
    with open(path, "rb") as file:
        data = file.read(CA_PEM_MAX + 1)
    return None if len(data) > CA_PEM_MAX else data


def canonical_ca_pem(text: str) -> str:
    """The certificates in ``text``, each written out again in standard PEM.

    People paste certificates with the last line run into the END marker,
    indented, or without line breaks; ``cryptography`` reads those, Python's
    ``ssl`` module does not. Writing what was read in one standard form makes
    what the form accepts and what a connection test trusts the same, and
    drops anything else pasted along (a private key, comments). Raises
    ``ValueError`` with a reason a person can act on.
    """
    if len(text) > CA_PEM_MAX:
        raise ValueError("This is too long for a CA certificate.")
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        certificates = x509.load_pem_x509_certificates(text.encode("ascii", "replace"))
    except ValueError:
        raise ValueError(_NOT_A_CERTIFICATE) from None
    if len(certificates) < text.count(_BEGIN_CERTIFICATE):
        raise ValueError(_CUT_SHORT)  # one without its END would be dropped
    blocks = (cert.public_bytes(Encoding.PEM).decode() for cert in certificates)
    pem = "".join(dict.fromkeys(blocks))  # a certificate pasted twice, once
    pem = pem.rstrip("\n")  # as saved before: stripped, like the form's text
    if len(pem) > CA_PEM_MAX:  # line breaks added to text pasted on one line
        raise ValueError("This is too long for a CA certificate.")
    _check_tls_can_load(pem)
    return pem


def _check_tls_can_load(pem: str) -> None:
    """Refuse a certificate ``cryptography`` reads but OpenSSL would not."""
    import ssl

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=pem)
    except (ssl.SSLError, ValueError):
        raise ValueError(
            "This certificate cannot be used for TLS connections. Ask your "
            "administrator for the CA certificate file."
        ) from None


def ca_certificate_error(text: str | None) -> str | None:
    if not (text or "").strip():
        return None
    try:
        canonical_ca_pem(text or "")
    except ValueError as error:
        return str(error)
    return None


def draft_errors(draft: IntegrationDraft) -> dict[str, str]:
    """Every field's problem at once, for the form and for ``ValidationError``."""
    from dtr_desktop.domain.providers import PROVIDERS

    errors: dict[str, str] = {}
    if draft.provider not in {provider.id for provider in PROVIDERS}:
        errors["provider"] = "Choose an integration type."
        return errors
    checks = {
        "name": name_error(draft.name),
        "url": url_error(draft.url),
        "username": username_error(draft.username, draft.provider),
        "email": email_error(draft.email),
        "ca_cert_pem": ca_certificate_error(draft.ca_cert_pem),
    }
    errors.update({field: why for field, why in checks.items() if why})
    if draft.insecure is False and draft.url.strip().lower().startswith("http://"):
        errors["url"] = (
            "Plain http:// sends the password unencrypted; use https:// or tick "
            "'Insecure registry' for this integration."
        )
    return errors


def clean_draft(draft: IntegrationDraft) -> IntegrationDraft:
    """Validate and normalise a draft, or raise ``ValidationError``."""
    from dataclasses import replace

    errors = draft_errors(draft)
    if errors:
        raise ValidationError(errors)
    ca_text = (draft.ca_cert_pem or "").strip()
    ca_pem = canonical_ca_pem(ca_text) if ca_text else None
    return replace(
        draft,
        name=normalize_name(draft.name),
        url=normalize_url(draft.url),
        email=draft.email.strip(),
        ca_cert_pem=ca_pem,
    )


_DOCKER_HUB_ALIASES = {
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
}


def registry_host_key(server: str) -> str:
    """The host[:port] that identifies a registry, whatever way it is written.

    Docker Hub's several names are one key, ``docker.io``; a scheme, a path,
    letter case, the scheme's default port and the spelling of an
    international name make no difference. Never raises: the credential
    helper looks up whatever docker hands it.
    """
    text = server.strip()
    if not _has_scheme(text):
        text = "https://" + text
    scheme, rest = text.split("://", 1)
    netloc = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    try:
        host, port = _split_netloc(netloc)
        host = host.lower() if host.startswith("[") else canonical_host(host)
    except ValueError:
        return netloc.lower()
    if host in _DOCKER_HUB_ALIASES:
        host = "docker.io"
    if port and port.isascii() and port.isdigit():
        default = 80 if scheme.lower() == "http" else 443
        if int(port) != default:
            return f"{host}:{int(port)}"
    return host
