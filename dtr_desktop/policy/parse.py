"""Reading ``policy.toml`` and checking everything in it before any is used.

Every mistake is collected with the line it is on, so an administrator
fixes the file in one go. A file with any mistake yields no policy at all:
half a policy could lock the wrong things.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from dtr_desktop.domain.providers import provider_by_id, provider_ids
from dtr_desktop.domain.validation import (
    canonical_ca_pem,
    has_control_characters,
    name_error,
    name_key,
    normalize_name,
    normalize_url,
    read_ca_file,
)
from dtr_desktop.policy.errors import PolicyError, Problem
from dtr_desktop.policy.hosts import parse_host_pattern, rule_violations
from dtr_desktop.policy.lines import LineIndex
from dtr_desktop.policy.model import (
    HostPattern,
    ManagedIntegration,
    ManagedSubscription,
    Policy,
    Rules,
)

MAX_POLICY_BYTES = 1_000_000
MAX_KEY_LENGTH = 200
SUPPORTED_VERSION = 1
_TOP_KEYS = {"version", "rules", "integrations", "subscriptions"}
_RULE_KEYS = {"forbid_insecure", "allowed_hosts"}
_INTEGRATION_KEYS = {
    "id",
    "name",
    "type",
    "url",
    "insecure",
    "ca_certificate",
    "ca_file",
    "locked",
}
_SUBSCRIPTION_KEYS = {"name", "integrations"}
_DECODE_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_PEM_MARK = "-----BEGIN CERTIFICATE-----"

_T = TypeVar("_T")


def read_policy(path: Path) -> Policy | None:
    """The policy in ``path``; None when there is no file; PolicyError if broken."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_POLICY_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PolicyError(
            path, [Problem(0, f"cannot read it: {error.strerror}")]
        ) from None
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError(path, [Problem(0, "larger than 1 MB")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(path, [Problem(0, "not UTF-8 text")]) from None
    return parse_policy(text, path)


def _read_ca_file(path: Path) -> str | None:
    """The file's text; None when it is larger than the limit (or never ends)."""
    data = read_ca_file(path)
    return None if data is None else data.decode("ascii").strip()


def parse_policy(text: str, path: Path | None = None) -> Policy:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(path, [_decode_problem(error, text)]) from None
    reader = _Reader(LineIndex(text), path)
    policy = reader.policy(document)
    if reader.problems:
        raise PolicyError(path, sorted(reader.problems, key=lambda p: p.line))
    return policy


def _decode_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(error)
    match = _DECODE_POSITION.search(message)
    if match:
        reason = message[: match.start()]
        column = match[2]
        return Problem(int(match[1]), f"TOML syntax error: {reason} (column {column})")
    end = message.find(" (at end of document)")
    if end >= 0:
        last = max(1, len(text.splitlines()))
        return Problem(
            last, f"TOML syntax error: {message[:end]} (the file ends early)"
        )
    return Problem(0, f"TOML syntax error: {message}")


class _Reader:
    """Turns the decoded document into a Policy, noting each problem's line."""

    def __init__(self, lines: LineIndex, path: Path | None) -> None:
        self.lines = lines
        self.path = path
        self.problems: list[Problem] = []

    def problem(
        self, reason: str, table: str = "", index: int = 0, key: str = ""
    ) -> None:
        line = self.lines.line(table, index, key or None)
        self.problems.append(Problem(line, reason))

    def policy(self, document: dict[str, Any]) -> Policy:
        self.unknown_keys(document, _TOP_KEYS, "", 0, "the top level")
        version = self.value(document, "version", int, SUPPORTED_VERSION, ("", 0))
        if version != SUPPORTED_VERSION:
            self.problem(
                f"version {version} is not supported; use version = 1", key="version"
            )
        rules = self.rules(self.table(document, "rules"))
        integrations = self.integrations(document, rules)
        subscriptions = self.subscriptions(document, integrations)
        return Policy(self.path, rules, tuple(integrations), tuple(subscriptions))

    # Shapes

    def table(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        found = document.get(name, {})
        if isinstance(found, dict):
            return found
        self.problem(f"'{name}' must be a table: [{name}]", key=name)
        return {}

    def tables(self, document: dict[str, Any], name: str) -> list[dict[str, Any]]:
        found = document.get(name, [])
        if isinstance(found, list) and all(isinstance(t, dict) for t in found):
            return found
        self.problem(f"'{name}' must be written as [[{name}]] tables", key=name)
        return []

    def unknown_keys(
        self, table: dict[str, Any], known: set[str], name: str, index: int, where: str
    ) -> None:
        for key in sorted(set(table) - known):
            allowed = ", ".join(sorted(known))
            self.problem(
                f"unknown key '{key}' in {where} (use: {allowed})", name, index, key
            )

    def value(
        self,
        table: dict[str, Any],
        key: str,
        kind: type[_T],
        default: _T,
        at: tuple[str, int] = ("", 0),
    ) -> _T:
        name, index = at
        found = table.get(key, default)
        if isinstance(found, kind) and not (kind is int and isinstance(found, bool)):
            return found
        wanted = {bool: "true or false", int: "a number", str: "a string"}
        self.problem(
            f"'{key}' must be {wanted.get(kind, kind.__name__)}", name, index, key
        )
        return default

    def strings(
        self, table: dict[str, Any], key: str, name: str, index: int
    ) -> list[str] | None:
        found = table.get(key)
        if found is None:
            return None
        if isinstance(found, list) and all(isinstance(item, str) for item in found):
            return found
        self.problem(f"'{key}' must be a list of strings", name, index, key)
        return []

    # Sections

    def rules(self, table: dict[str, Any]) -> Rules:
        self.unknown_keys(table, _RULE_KEYS, "rules", 0, "[rules]")
        forbid = self.value(table, "forbid_insecure", bool, False, ("rules", 0))
        hosts = self.strings(table, "allowed_hosts", "rules", 0)
        if hosts is None:
            return Rules(forbid_insecure=forbid)
        patterns: list[HostPattern] = []
        for text in hosts:
            try:
                patterns.append(parse_host_pattern(text))
            except ValueError as error:
                self.problem(f"allowed_hosts: {error}", "rules", 0, "allowed_hosts")
        return Rules(forbid_insecure=forbid, allowed_hosts=tuple(patterns))

    def integrations(
        self, document: dict[str, Any], rules: Rules
    ) -> list[ManagedIntegration]:
        found: list[ManagedIntegration] = []
        keys: set[str] = set()
        names: set[str] = set()
        for index, table in enumerate(self.tables(document, "integrations")):
            entry = self.integration(table, index)
            if entry is None:
                continue
            self.check_against_rules(rules, entry, index)
            if entry.key in keys:
                self.problem(
                    f"id '{entry.key}' is used twice", "integrations", index, "id"
                )
            if name_key(entry.name) in names:
                self.problem(
                    f"name '{entry.name}' is used twice", "integrations", index, "name"
                )
            keys.add(entry.key)
            names.add(name_key(entry.name))
            found.append(entry)
        return found

    def integration(
        self, table: dict[str, Any], index: int
    ) -> ManagedIntegration | None:
        where = "integrations"
        before = len(self.problems)
        self.unknown_keys(table, _INTEGRATION_KEYS, where, index, "[[integrations]]")
        key = self.entry_id(table, index)
        name = self.entry_name(table, where, index)
        provider = self.provider(table, index)
        insecure = self.value(table, "insecure", bool, False, (where, index))
        locked = self.value(table, "locked", bool, True, (where, index))
        url = self.url(table, index, provider, insecure)
        ca_pem = self.ca_certificate(table, index)
        if len(self.problems) > before:
            return None
        return ManagedIntegration(
            key=key,
            name=name,
            provider=provider,
            url=url,
            insecure=insecure,
            ca_cert_pem=ca_pem,
            locked=locked,
            line=self.lines.line(where, index),
        )

    def entry_id(self, table: dict[str, Any], index: int) -> str:
        key = self.value(table, "id", str, "", ("integrations", index)).strip()
        if not key:
            self.problem(
                'each [[integrations]] needs an id = "..." that never changes',
                "integrations",
                index,
            )
        elif len(key) > MAX_KEY_LENGTH or has_control_characters(key):
            self.problem(
                f"id must be at most {MAX_KEY_LENGTH} printable characters",
                "integrations",
                index,
                "id",
            )
        return key

    def entry_name(self, table: dict[str, Any], where: str, index: int) -> str:
        name = self.value(table, "name", str, "", (where, index))
        why = name_error(name)
        if why:
            self.problem(f"name: {why}", where, index, "name" if name else "")
        return normalize_name(name)

    def provider(self, table: dict[str, Any], index: int) -> str:
        provider = self.value(table, "type", str, "", ("integrations", index))
        if provider not in provider_ids():
            valid = ", ".join(provider_ids())
            key = "type" if "type" in table else ""
            self.problem(f"type must be one of {valid}", "integrations", index, key)
        return provider

    def url(
        self, table: dict[str, Any], index: int, provider: str, insecure: bool
    ) -> str:
        default = ""
        if provider in provider_ids():
            default = provider_by_id(provider).default_url
        raw = self.value(table, "url", str, default, ("integrations", index))
        key = "url" if "url" in table else ""
        try:
            url = normalize_url(raw)
        except ValueError as error:
            self.problem(f"url: {error}", "integrations", index, key)
            return raw
        if url.startswith("http://") and not insecure:
            self.problem(
                "url: plain http:// needs insecure = true", "integrations", index, key
            )
        return url

    def ca_certificate(self, table: dict[str, Any], index: int) -> str | None:
        where = "integrations"
        if "ca_certificate" in table and "ca_file" in table:
            self.problem(
                "give ca_certificate or ca_file, not both", where, index, "ca_file"
            )
            return None
        if "ca_file" in table:
            return self.ca_file(table, index)
        pem = self.value(table, "ca_certificate", str, "", (where, index)).strip()
        if pem and _PEM_MARK not in pem:
            self.problem(
                "ca_certificate must be a PEM certificate",
                where,
                index,
                "ca_certificate",
            )
            return pem
        return self.canonical_ca(pem, "ca_certificate", index) if pem else None

    def ca_file(self, table: dict[str, Any], index: int) -> str | None:
        raw = self.value(table, "ca_file", str, "", ("integrations", index))
        path = Path(raw)
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        try:
            pem = _read_ca_file(path)
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or "not a PEM text file"
            self.problem(f"ca_file {path}: {why}", "integrations", index, "ca_file")
            return None
        if pem is None:
            self.problem(
                f"ca_file {path} is larger than 1 MB", "integrations", index, "ca_file"
            )
            return None
        if _PEM_MARK not in pem:
            self.problem(
                f"ca_file {path} holds no PEM certificate",
                "integrations",
                index,
                "ca_file",
            )
            return None
        return self.canonical_ca(pem, "ca_file", index)

    def canonical_ca(self, pem: str, key: str, index: int) -> str:
        """The CA in the standard PEM form a save in the window would store."""
        try:
            return canonical_ca_pem(pem)
        except ValueError as error:
            self.problem(f"{key}: {error}", "integrations", index, key)
            return pem

    def subscriptions(
        self, document: dict[str, Any], integrations: list[ManagedIntegration]
    ) -> list[ManagedSubscription]:
        known = {entry.key for entry in integrations}
        found: list[ManagedSubscription] = []
        names: set[str] = set()
        where = "subscriptions"
        for index, table in enumerate(self.tables(document, where)):
            self.unknown_keys(table, _SUBSCRIPTION_KEYS, where, index, f"[[{where}]]")
            name = self.entry_name(table, where, index)
            keys = self.strings(table, "integrations", where, index) or []
            for key in keys:
                if key not in known and key:
                    self.problem(
                        f"integrations: no [[integrations]] has id '{key}'",
                        where,
                        index,
                        "integrations",
                    )
            if name and name_key(name) in names:
                self.problem(f"name '{name}' is used twice", where, index, "name")
            names.add(name_key(name))
            line = self.lines.line(where, index)
            found.append(ManagedSubscription(name, tuple(dict.fromkeys(keys)), line))
        return found

    def check_against_rules(
        self, rules: Rules, entry: ManagedIntegration, index: int
    ) -> None:
        """The policy's own integrations must obey its own rules."""
        for field, why in rule_violations(rules, entry.url, entry.insecure).items():
            self.problem(f"{field}: {why}", "integrations", index, field)
