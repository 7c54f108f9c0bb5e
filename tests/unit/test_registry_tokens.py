"""Bearer token details: JWT claims, lifetimes, grants, credentials."""

from __future__ import annotations

import base64
import json
import time

from dtr_desktop.registry.auth import (
    MIN_TOKEN_LIFETIME,
    Credentials,
    Token,
    decode_jwt_claims,
    scope_for,
)


def _jwt(claims: dict[str, object]) -> str:
    def part(value: object) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def test_claims_of_a_jwt_and_of_an_opaque_token() -> None:
    claims = {"sub": "alice", "access": []}

    assert decode_jwt_claims(_jwt(claims)) == claims
    assert decode_jwt_claims("opaque-token") is None
    assert decode_jwt_claims("a.!!!.c") is None


def test_granted_actions_per_repository() -> None:
    token = Token(
        "t",
        0.0,
        frozenset(),
        {
            "sub": "alice",
            "access": [
                {"type": "repository", "name": "team/app", "actions": ["pull"]},
                {"type": "repository", "name": "team/app", "actions": ["push"]},
                {"type": "repository", "name": "other", "actions": ["*"]},
            ],
        },
    )

    assert token.granted_actions("repository", "team/app") == {"pull", "push"}
    assert token.granted_actions("repository", "missing") == frozenset()
    assert Token("t", 0.0, frozenset()).granted_actions("repository", "x") is None


def test_anonymous_token_is_recognised() -> None:
    assert Token("t", 0.0, frozenset(), {"sub": "", "access": []}).anonymous
    assert not Token("t", 0.0, frozenset(), {"sub": "bob"}).anonymous
    assert not Token("t", 0.0, frozenset(), {"access": []}).anonymous
    assert Token("t", 0.0, frozenset(), {"sub": "a", "access": []}).grants_nothing()


def test_token_lifetime_has_a_floor() -> None:
    import httpx

    from dtr_desktop.registry.auth import _parse_token
    from dtr_desktop.registry.http import Reply

    reply = Reply(
        "GET",
        httpx.URL("https://t/token"),
        200,
        httpx.Headers(),
        json.dumps({"access_token": "x", "expires_in": 5}).encode(),
        True,
    )
    before = time.monotonic()

    token = _parse_token(reply, frozenset())

    assert token.value == "x"
    assert token.expires_at >= before + MIN_TOKEN_LIFETIME


def test_credentials_hide_the_password_and_split_on_first_colon() -> None:
    login = Credentials("alice", "pa:ss")
    header = login.basic_header()

    assert "pa:ss" not in repr(login)
    assert base64.b64decode(header.removeprefix("Basic ")) == b"alice:pa:ss"


def test_scope_strings() -> None:
    assert scope_for("team/app", "pull", "push") == "repository:team/app:pull,push"
