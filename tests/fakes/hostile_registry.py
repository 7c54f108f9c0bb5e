"""Building blocks for registries that misbehave in ways no real one does.

Each helper returns a :data:`~tests.fakes.loopback.Route` for a
:class:`~tests.fakes.loopback.LoopbackServer`; the tests combine them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from tests.fakes.loopback import Answer, Recorded, Route
from tests.fakes.tokens import parse_basic

V2 = ("Docker-Distribution-API-Version", "registry/2.0")


def registry_json(status: int, document: object, *headers: tuple[str, str]) -> Answer:
    return Answer(
        status,
        [("Content-Type", "application/json"), V2, *headers],
        json.dumps(document).encode(),
    )


def unauthorized(challenge: str, *more: str) -> Answer:
    """A 401 with one ``WWW-Authenticate`` header per challenge string given."""
    headers = [("WWW-Authenticate", value) for value in (challenge, *more)]
    return registry_json(
        401, {"errors": [{"code": "UNAUTHORIZED", "message": "sign in"}]}, *headers
    )


def basic_registry(user: str, password: str) -> Route:
    """A registry that wants Basic for everything and lists nothing."""

    def route(request: Recorded) -> Answer:
        if parse_basic(request.authorization) != (user, password):
            return unauthorized('Basic realm="fake"')
        return registry_json(200, {})

    return route


def redirect_everything(location_base: str, status: int = 307) -> Route:
    def route(request: Recorded) -> Answer:
        return Answer(status, [("Location", location_base + request.target)])

    return route


def bearer_registry(realm: str, service: str = "fake") -> Route:
    """Wants any Bearer token on /v2/ (the token service decides the rest)."""

    def route(request: Recorded) -> Answer:
        auth = request.authorization or ""
        if not auth.startswith("Bearer "):
            return unauthorized(f'Bearer realm="{realm}",service="{service}"')
        return registry_json(200, {})

    return route


def endless_json() -> Iterator[bytes]:
    """A JSON body that never ends: '{"repositories": ["a", "a", ...'."""
    yield b'{"repositories": ['
    while True:
        yield b'"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",' * 512


def paged_tags(repository: str, tags: list[str]) -> Route:
    """Serves tags ``n`` at a time with a ``Link`` to the next page, like 3.0."""

    def route(request: Recorded) -> Answer:
        if request.path == "/v2/":
            return registry_json(200, {})
        if request.path != f"/v2/{repository}/tags/list":
            return registry_json(404, {"errors": [{"code": "NAME_UNKNOWN"}]})
        size = int(request.query.get("n", ["100"])[0])
        after = request.query.get("last", [""])[0]
        remaining = [tag for tag in tags if tag > after]
        page = remaining[:size]
        headers = []
        if len(remaining) > size:
            link = f"</v2/{repository}/tags/list?n={size}&last={page[-1]}>"
            headers.append(("Link", f'{link}; rel="next"'))
        return registry_json(200, {"name": repository, "tags": page}, *headers)

    return route
