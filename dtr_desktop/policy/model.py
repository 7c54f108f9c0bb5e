"""What an administrator's policy file says, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class HostPattern:
    """One allow-list entry: ``host``, ``host:port`` or ``*.domain``.

    A pattern without a port allows every port of that host; a leading
    ``*.`` allows the domain's sub-domains (not the domain itself).
    """

    host: str
    port: int | None = None
    wildcard: bool = False

    def matches(self, host: str, port: int | None) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.wildcard:
            return host.endswith("." + self.host)
        return host == self.host

    def __str__(self) -> str:
        text = ("*." if self.wildcard else "") + self.host
        return f"{text}:{self.port}" if self.port is not None else text


@dataclass(frozen=True, slots=True)
class Rules:
    """Limits on the integrations a user may add or edit."""

    forbid_insecure: bool = False
    allowed_hosts: tuple[HostPattern, ...] | None = None

    @property
    def restricts_hosts(self) -> bool:
        return self.allowed_hosts is not None


@dataclass(frozen=True, slots=True)
class ManagedIntegration:
    """An integration every user gets; they add only username and password."""

    key: str
    name: str
    provider: str
    url: str
    insecure: bool = False
    ca_cert_pem: str | None = None
    locked: bool = True
    line: int = 0


@dataclass(frozen=True, slots=True)
class ManagedSubscription:
    name: str
    integration_keys: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    source: Path | None = None
    rules: Rules = field(default_factory=Rules)
    integrations: tuple[ManagedIntegration, ...] = ()
    subscriptions: tuple[ManagedSubscription, ...] = ()

    @property
    def is_empty(self) -> bool:
        return (
            not self.integrations and not self.subscriptions and self.rules == Rules()
        )
