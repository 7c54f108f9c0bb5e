"""A registry token service (distribution's token auth spec) for tests.

It checks Basic credentials, grants per-user actions on the requested
scopes and signs RS256 JWTs whose header carries the signer certificate
(``x5c``), which is what CNCF distribution verifies against its
``rootcertbundle``. ``harbor_style=True`` hands out an anonymous token with an
empty grant on a wrong password instead of answering 401, as some servers do.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import json
import secrets
import time
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.loopback import Answer, Recorded
from tests.fakes.pki import KeyPair

TOKEN_LIFETIME = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint_jwt(signer: KeyPair, claims: dict[str, object]) -> str:
    """An RS256 JWT with the signer's certificate in ``x5c``."""
    cert = x509.load_pem_x509_certificate(signer.cert_pem.encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    header = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    )
    key = _private_key(signer.key_pem)
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64url(signature)}"


@functools.lru_cache(maxsize=8)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """The signing key, parsed once: checking an RSA key costs ~75 ms a time."""
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@dataclass(frozen=True)
class TokenUser:
    """A password and the actions granted per repository pattern (fnmatch)."""

    password: str
    repositories: dict[str, frozenset[str]] = field(default_factory=dict)
    catalog: bool = False

    def granted(self, resource_type: str, name: str, wanted: set[str]) -> list[str]:
        if resource_type == "registry" and name == "catalog":
            return sorted(wanted) if self.catalog else []
        if resource_type != "repository":
            return []
        allowed: set[str] = set()
        for pattern, actions in self.repositories.items():
            if fnmatch.fnmatchcase(name, pattern):
                allowed |= actions
        return sorted(wanted & allowed if "*" not in wanted else allowed)


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return user, password


class TokenService:
    """The ``route`` of a loopback server that issues registry tokens."""

    def __init__(
        self,
        signer: KeyPair,
        *,
        issuer: str,
        service: str,
        users: dict[str, TokenUser],
        harbor_style: bool = False,
    ) -> None:
        self.signer = signer
        self.issuer = issuer
        self.service = service
        self.users = users
        self.harbor_style = harbor_style

    def __call__(self, request: Recorded) -> Answer:
        if request.path != "/token" or request.method != "GET":
            return Answer(404, body=b"not found")
        login = parse_basic(request.authorization)
        user = self.users.get(login[0]) if login else None
        if login is not None and (user is None or user.password != login[1]):
            if not self.harbor_style:
                return _json(401, {"details": "wrong user name or password"})
            return self._issue("", None, request)
        if login is None:
            return _json(401, {"details": "authentication required"})
        return self._issue(login[0], user, request)

    def _issue(self, subject: str, user: TokenUser | None, request: Recorded) -> Answer:
        access = []
        for scope in request.query.get("scope", []):
            for one in scope.split():
                granted = self._grant(user, one)
                if granted is not None:
                    access.append(granted)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": self.service,
            "exp": now + TOKEN_LIFETIME,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(8),
            "access": access,
        }
        token = mint_jwt(self.signer, claims)
        return _json(
            200,
            {
                "token": token,
                "access_token": token,
                "expires_in": TOKEN_LIFETIME,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            },
        )

    def _grant(self, user: TokenUser | None, scope: str) -> dict[str, object] | None:
        resource_type, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        if user is None or not name:
            return None
        granted = user.granted(resource_type, name, set(actions.split(",")))
        if not granted:
            return None
        return {"type": resource_type, "name": name, "actions": granted}


def _json(status: int, document: object) -> Answer:
    return Answer(
        status,
        [("Content-Type", "application/json")],
        json.dumps(document).encode(),
    )
