"""Answering a registry's challenges: Basic, and Bearer tokens from its realm.

The Bearer flow follows the distribution token spec: GET the realm with
``service``, each ``scope`` and ``account``, merged into the realm's own
query string, sending the user's credentials as Basic. The OAuth2 form
(POST ``grant_type=password``) is used only when the realm does not serve
GET, or when asked for, and falls back to GET when refused.

A 200 from the token service does not prove the password: some servers hand
out an anonymous token with an empty grant instead of answering 401. Tokens
are therefore decoded (not verified; only the registry can do that) to tell
an anonymous token from a real one.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from dtr_desktop.registry.challenges import Challenge, preferred
from dtr_desktop.registry.errors import (
    BadCredentials,
    InsecureRefused,
    NoPermission,
    UnexpectedResponse,
)
from dtr_desktop.registry.http import HttpSession, Reply, display_host, origin

log = logging.getLogger(__name__)

MIN_TOKEN_LIFETIME = 60.0
_GET_REFUSED = frozenset({404, 405})
_POST_REFUSED = frozenset({400, 401, 404, 405})
_CLIENT_ID = "dtr-desktop"


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and its password or access token (never shown in repr)."""

    username: str
    password: str = field(repr=False)

    def basic_header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True)
class Token:
    """A bearer token, when it stops being used, and its claims if it is a JWT."""

    value: str = field(repr=False)
    expires_at: float
    scopes: frozenset[str]
    claims: dict[str, object] | None = field(default=None, repr=False)

    @property
    def header(self) -> str:
        return f"Bearer {self.value}"

    def expired(self) -> bool:
        return time.monotonic() >= self.expires_at

    @property
    def anonymous(self) -> bool:
        """A JWT whose subject is empty: the service did not accept a login."""
        if self.claims is None or "sub" not in self.claims:
            return False
        return self.claims["sub"] in ("", None, "anonymous")

    def granted_actions(self, resource_type: str, name: str) -> frozenset[str] | None:
        """Actions the JWT grants on a resource; ``None`` if not a JWT."""
        if self.claims is None:
            return None
        access = self.claims.get("access")
        granted: set[str] = set()
        for item in access if isinstance(access, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("type") == resource_type and item.get("name") == name:
                actions = item.get("actions")
                if isinstance(actions, list):
                    granted.update(str(action) for action in actions)
        return frozenset(granted)

    def grants_nothing(self) -> bool:
        """True for a JWT with an empty ``access`` list."""
        return self.claims is not None and not self.claims.get("access")


def decode_jwt_claims(token: str) -> dict[str, object] | None:
    """The payload of a JWT without checking its signature, or ``None``."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def scope_for(repository: str, *actions: str) -> str:
    return f"repository:{repository}:{','.join(actions)}"


class Authenticator:
    """Remembers how a registry wants to be asked, and its tokens by scope."""

    def __init__(
        self,
        session: HttpSession,
        registry_url: httpx.URL,
        credentials: Credentials | None,
        *,
        oauth2: bool = False,
    ) -> None:
        self._session = session
        self._origin = origin(registry_url)
        self.credentials = credentials
        self._oauth2 = oauth2
        self._challenge: Challenge | None = None
        self._tokens: dict[frozenset[str], Token] = {}
        self.credentials_proven = False
        self.last_token: Token | None = None

    @property
    def scheme(self) -> str | None:
        return self._challenge.scheme if self._challenge else None

    def authorization(self, scopes: Iterable[str]) -> str | None:
        """What to send before any challenge: Basic, or a cached, fresh token."""
        if self.scheme == "basic" and self.credentials is not None:
            return self.credentials.basic_header()
        token = self._tokens.get(frozenset(scopes))
        if self.scheme == "bearer" and token is not None and not token.expired():
            return token.header
        return None

    def note_basic_reply(self, reply: Reply) -> None:
        """A success, 403 or 404 to a Basic request proves the password."""
        accepted = reply.status < 400 or reply.status in (403, 404)
        if self.scheme == "basic" and reply.sent_credentials and accepted:
            self.credentials_proven = True

    def answer(self, reply: Reply, scopes: Iterable[str]) -> str | None:
        """The ``Authorization`` to retry a 401 with, or ``None`` when pointless.

        Only challenges from the registry's own origin are answered, so a
        redirect to another host cannot collect the credentials.
        """
        if origin(reply.url) != self._origin:
            return None
        challenge = preferred(reply.challenges())
        if challenge is None:
            return None
        self._challenge = challenge
        if challenge.scheme == "basic":
            if self.credentials is None or reply.sent_credentials:
                return None
            return self.credentials.basic_header()
        wanted = frozenset(scopes) | frozenset(challenge.scopes)
        return self._fetch_token(challenge, wanted).header

    def _fetch_token(self, challenge: Challenge, scopes: frozenset[str]) -> Token:
        realm = self._realm_url(challenge)
        params = [("service", challenge.get("service") or "")]
        params += [("scope", scope) for scope in sorted(scopes)]
        if self.credentials is not None:
            params.append(("account", self.credentials.username))
        params = [(key, value) for key, value in params if value]
        reply = self._request_token(realm, params, scopes)
        token = self._token_from(reply, scopes)
        self._tokens[scopes] = token
        self.last_token = token
        return token

    def _realm_url(self, challenge: Challenge) -> httpx.URL:
        try:
            realm = httpx.URL(challenge.realm or "")
        except httpx.InvalidURL:
            realm = httpx.URL("")
        if realm.scheme not in ("http", "https") or not realm.host:
            raise UnexpectedResponse(
                "The registry asked for a token but named no usable token service. "
                "Check the URL, or tell the registry's administrator."
            )
        if realm.scheme != "https" and not self._session.insecure:
            raise InsecureRefused(
                f"The registry's token service {display_host(realm)} uses plain "
                "http; dtr-desktop will not send your credentials there. Mark the "
                "integration insecure only if you accept that risk.",
                url=str(realm),
            )
        return realm

    def _request_token(
        self, realm: httpx.URL, params: list[tuple[str, str]], scopes: frozenset[str]
    ) -> Reply:
        if self._oauth2 and self.credentials is not None:
            reply = self._post_token(realm, params, scopes)
            if reply.status not in _POST_REFUSED:
                return reply
        reply = self._get_token(realm, params)
        if reply.status in _GET_REFUSED and self.credentials is not None:
            posted = self._post_token(realm, params, scopes)
            if posted.status not in _POST_REFUSED:
                return posted
        return reply

    def _get_token(self, realm: httpx.URL, params: list[tuple[str, str]]) -> Reply:
        basic = self.credentials.basic_header() if self.credentials else None
        url = realm.copy_merge_params(httpx.QueryParams(tuple(params)))
        return self._session.request("GET", url, authorization=basic)

    def _post_token(
        self, realm: httpx.URL, params: list[tuple[str, str]], scopes: frozenset[str]
    ) -> Reply:
        assert self.credentials is not None
        service = dict(params).get("service", "")
        form = {
            "grant_type": "password",
            "client_id": _CLIENT_ID,
            "username": self.credentials.username,
            "password": self.credentials.password,
            "service": service,
            "scope": " ".join(sorted(scopes)),
            "access_type": "online",
        }
        return self._session.request("POST", realm, form=form)

    def _token_from(self, reply: Reply, scopes: frozenset[str]) -> Token:
        if reply.status == 401:
            raise self._rejected(reply)
        if reply.status == 403:
            raise NoPermission(
                f"The token service at {reply.host} refused this account access. "
                "Ask the registry's administrator for permission.",
                url=str(reply.url),
            )
        reply.raise_for_common()
        if reply.status != 200:
            raise UnexpectedResponse(
                f"The token service at {reply.host} answered HTTP {reply.status}. "
                "Check the URL, or tell the registry's administrator.",
                url=str(reply.url),
            )
        token = _parse_token(reply, scopes)
        self._judge_token(token, scopes)
        return token

    def _rejected(self, reply: Reply) -> BadCredentials:
        if self.credentials is None:
            return BadCredentials(
                f"{reply.host} needs a user name and password; anonymous access was "
                "refused. Enter your credentials.",
                url=str(reply.url),
            )
        return BadCredentials(
            f"{reply.host} rejected the user name or password. Check them; if the "
            "account signs in with two factors or single sign-on, use an access "
            "token as the password.",
            url=str(reply.url),
        )

    def _judge_token(self, token: Token, scopes: frozenset[str]) -> None:
        if self.credentials is None:
            return
        if token.anonymous:
            raise BadCredentials(
                "The registry's token service did not accept the user name or "
                "password (it issued an anonymous token). Check them; use an "
                "access token if the account signs in with two factors."
            )
        if scopes and token.grants_nothing():
            log.info("token for %d scope(s) grants nothing", len(scopes))
            return
        self.credentials_proven = True


def _parse_token(reply: Reply, scopes: frozenset[str]) -> Token:
    document = reply.json()
    value = None
    lifetime: object = None
    if isinstance(document, dict):
        value = document.get("token") or document.get("access_token")
        lifetime = document.get("expires_in")
    if not isinstance(value, str) or not value:
        raise UnexpectedResponse(
            f"The token service at {reply.host} answered without a token. Tell the "
            "registry's administrator.",
            url=str(reply.url),
        )
    seconds = lifetime if isinstance(lifetime, int | float) else 0
    expires_at = time.monotonic() + max(MIN_TOKEN_LIFETIME, float(seconds))
    return Token(value, expires_at, scopes, decode_jwt_claims(value))
