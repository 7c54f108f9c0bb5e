"""Reading ``WWW-Authenticate``: which ways in a registry offers.

A registry may send several headers, and one header may hold several
challenges (``Basic realm="a, b", Bearer realm="...",service="..."``).
Quoted values may contain commas and backslash escapes, and schemes compare
case-insensitively (RFC 9110, section 11.6.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_SPACE = " \t"


@dataclass(frozen=True, slots=True)
class Challenge:
    """One challenge: a lower-case scheme and its parameters (lower-case keys)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None

    def get(self, name: str) -> str | None:
        return self.params.get(name)

    @property
    def realm(self) -> str | None:
        return self.params.get("realm")

    @property
    def error(self) -> str | None:
        return self.params.get("error")

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes the server asks for; several are separated by spaces."""
        return tuple(self.params.get("scope", "").split())


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return "" if self.at_end() else self.text[self.pos]

    def skip(self, chars: str) -> None:
        while not self.at_end() and self.text[self.pos] in chars:
            self.pos += 1

    def match(self, pattern: re.Pattern[str]) -> str | None:
        found = pattern.match(self.text, self.pos)
        if not found:
            return None
        self.pos = found.end()
        return found.group()

    def quoted(self) -> str:
        """A quoted-string after its opening quote; backslash escapes one char."""
        chars: list[str] = []
        while not self.at_end():
            char = self.text[self.pos]
            self.pos += 1
            if char == '"':
                break
            if char == "\\" and not self.at_end():
                char = self.text[self.pos]
                self.pos += 1
            chars.append(char)
        return "".join(chars)


def parse_challenges(headers: Iterable[str]) -> list[Challenge]:
    """Every challenge of every ``WWW-Authenticate`` header, in order."""
    challenges: list[Challenge] = []
    for header in headers:
        challenges.extend(_parse_header(header))
    return challenges


def _parse_header(header: str) -> list[Challenge]:
    reader = _Reader(header)
    challenges: list[Challenge] = []
    while True:
        reader.skip(_SPACE + ",")
        if reader.at_end():
            return challenges
        word = reader.match(_TOKEN)
        if word is None:
            reader.pos += 1  # a stray character: step over it
            continue
        reader.skip(_SPACE)
        if reader.peek() == "=" and challenges:
            _read_param(reader, word, challenges[-1].params)
        else:
            challenges.append(_read_scheme_start(reader, word))


def _read_param(reader: _Reader, name: str, params: dict[str, str]) -> None:
    reader.pos += 1  # the "="
    reader.skip(_SPACE)
    if reader.peek() == '"':
        reader.pos += 1
        value = reader.quoted()
    else:
        value = reader.match(_TOKEN) or ""
    params.setdefault(name.lower(), value)


def _read_scheme_start(reader: _Reader, scheme: str) -> Challenge:
    """A new challenge; a token68 (``Negotiate abc==``) may follow the scheme."""
    start = reader.pos
    token68 = reader.match(_TOKEN68)
    if token68 is not None:
        reader.skip(_SPACE)
        if reader.at_end() or reader.peek() == ",":
            return Challenge(scheme.lower(), {}, token68)
    reader.pos = start
    return Challenge(scheme.lower())


def preferred(challenges: Iterable[Challenge]) -> Challenge | None:
    """Bearer before Basic, as Docker does; other schemes are not supported."""
    by_scheme = {c.scheme: c for c in reversed(list(challenges))}
    return by_scheme.get("bearer") or by_scheme.get("basic")
