"""The docker-credential-helpers protocol, shared by our helper and the client.

A helper is a program ``docker-credential-NAME`` run with one action
argument (``get``, ``store``, ``erase``, ``list``, ``version``), reading its
input on stdin and answering on stdout; a failure is a message on stdout and
exit status 1. Replies are encoded the way Go's ``encoding/json`` encodes
them, so tools see byte-for-byte what the reference helpers print.
"""

from __future__ import annotations

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

# How Go's encoding/json writes characters inside a string: control
# characters as \uXXXX (but \n, \r and \t), the quote and the backslash
# escaped, and the HTML-sensitive <, > and & and the JavaScript line
# separators U+2028 and U+2029 as \uXXXX. Everything else as it is.
_GO_ESCAPES = {code: f"\\u{code:04x}" for code in range(0x20)}
_GO_ESCAPES |= {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_GO_ESCAPES |= {ord('"'): '\\"', ord("\\"): "\\\\"}
_GO_ESCAPES |= {ord(char): f"\\u{ord(char):04x}" for char in "<>&\u2028\u2029"}


def go_string(text: str) -> str:
    """A JSON string as Go writes it.

    Written without the ``json`` module, which (with ``re``) would be a
    good part of the helper's ``get``.
    """
    return '"' + text.translate(_GO_ESCAPES) + '"'


def go_json(value: dict[str, str]) -> str:
    """A map of strings as Go's ``json.Encoder`` writes it: compact, one line.

    Go sorts a map's keys; give them sorted.
    """
    pairs = (f"{go_string(key)}:{go_string(text)}" for key, text in value.items())
    return "{" + ",".join(pairs) + "}\n"


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
