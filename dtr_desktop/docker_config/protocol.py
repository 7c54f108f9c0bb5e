"""The docker-credential-helpers protocol, shared by our helper and the client.

A helper is a program ``docker-credential-NAME`` run with one action
argument (``get``, ``store``, ``erase``, ``list``, ``version``), reading its
input on stdin and answering on stdout; a failure is a message on stdout and
exit status 1. Replies are encoded the way Go's ``encoding/json`` encodes
them, so tools see byte-for-byte what the reference helpers print.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False  # as typing.TYPE_CHECKING; the helper's get skips typing
if TYPE_CHECKING:
    from typing import Any

HELPER_PREFIX = "docker-credential-"
OUR_HELPER = "dtr-desktop"
ACTIONS = ("store", "get", "erase", "list", "version")

NOT_FOUND = "credentials not found in native keychain"
MISSING_SERVER_URL = "no credentials server URL"
MISSING_USERNAME = "no credentials username"

DOCKER_HUB_HOST = "docker.io"
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"
IDENTITY_TOKEN_USERNAME = "<token>"

_GO_ESCAPES = {
    "\\\\": "\\\\",
    "\\b": "\\u0008",
    "\\f": "\\u000c",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_GO_ESCAPE_RE = re.compile(r"\\\\|\\b|\\f|[<>&\u2028\u2029]")


def go_json(value: Any) -> str:
    """JSON as Go's ``json.Encoder`` writes it: compact, HTML-safe, one line."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _GO_ESCAPE_RE.sub(lambda match: _GO_ESCAPES[match.group(0)], text) + "\n"


def credentials_json(server_url: str, username: str, secret: str) -> str:
    """The reply to ``get``."""
    return go_json({"ServerURL": server_url, "Username": username, "Secret": secret})


def docker_server_key(host_key: str) -> str:
    """The spelling docker itself uses for a registry in files and helpers.

    Docker keys Docker Hub as ``https://index.docker.io/v1/`` and every other
    registry by its bare host[:port].
    """
    return DOCKER_HUB_SERVER if host_key == DOCKER_HUB_HOST else host_key


def field(payload: dict[str, Any], name: str) -> str:
    """A field of a helper's JSON, matched without regard to case as Go does."""
    for key, value in payload.items():
        if key.lower() == name.lower() and isinstance(value, str):
            return value
    return ""
