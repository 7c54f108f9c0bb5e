"""Integration and subscription values passed between the layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IntegrationDraft:
    """What a person typed into the Add or Edit form (never the password)."""

    name: str
    provider: str
    url: str
    username: str = ""
    email: str = ""
    insecure: bool = False
    ca_cert_pem: str | None = None


@dataclass(frozen=True, slots=True)
class Integration:
    """A saved integration as the store returns it; the secret is elsewhere."""

    id: str
    name: str
    provider: str
    url: str
    username: str
    email: str
    insecure: bool = False
    ca_cert_pem: str | None = None
    managed: bool = False
    locked: bool = False
    subscriptions: tuple[str, ...] = ()
    last_test_outcome: str | None = None
    last_test_message: str | None = None
    last_tested_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def draft(self) -> IntegrationDraft:
        return IntegrationDraft(
            name=self.name,
            provider=self.provider,
            url=self.url,
            username=self.username,
            email=self.email,
            insecure=self.insecure,
            ca_cert_pem=self.ca_cert_pem,
        )


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    name: str
    integrations: tuple[str, ...] = field(default=())
    managed: bool = False


@dataclass(frozen=True, slots=True)
class TestResult:
    """The stored outcome of the last connection test of an integration."""

    outcome: str
    message: str
    tested_at: datetime
