"""Filling a data dir straight through SQL, fast enough for 100,000 rows.

The schema comes from the product's own migrations, so the rows land in the
same tables and indexes a user's database has. Secrets are not written here:
a large account's list never reads the keyring, and the measures that do
(the credential helper, connection tests) seed only the secrets they use.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dtr_desktop.domain.validation import name_key, registry_host_key
from dtr_desktop.store.engine import database_path, migrate

PROVIDERS = ("dtr", "registry", "dockerhub", "quay", "harbor", "gitlab")
OUTCOMES = (None, "ok", "unauthorized", "unreachable")


@dataclass(frozen=True, slots=True)
class SeedIntegration:
    id: str
    name: str
    provider: str
    url: str
    username: str
    ca_cert_pem: str | None = None
    last_test_outcome: str | None = None


def synthetic_integrations(count: int, start: int = 0) -> Iterator[SeedIntegration]:
    """Integrations of every type on made-up hosts that nothing ever contacts."""
    for number in range(start, start + count):
        provider = PROVIDERS[number % len(PROVIDERS)]
        yield SeedIntegration(
            id=uuid.UUID(int=number + 1).hex,
            name=f"{provider}-{number:06d} team {number % 97}",
            provider=provider,
            url=f"https://{provider}-{number:06d}.registry.test",
            username=f"ci-bot-{number % 500}",
            last_test_outcome=OUTCOMES[number % len(OUTCOMES)],
        )


def create_database(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = database_path(data_dir)
    migrate(path)
    return path


def seed(
    data_dir: Path,
    integrations: Iterable[SeedIntegration],
    subscriptions: int = 0,
    links_per_subscription: int = 3,
) -> int:
    """Insert integrations and subscriptions; return how many integrations."""
    path = create_database(data_dir)
    now = datetime.now(UTC).replace(tzinfo=None)
    chosen = list(integrations)
    rows = [_integration_values(item, now) for item in chosen]
    with sqlite3.connect(path) as connection:
        connection.executemany(_INSERT_INTEGRATION, rows)
        connection.executemany(
            "INSERT INTO subscriptions (id, name, name_key, managed, created_at) "
            "VALUES (?, ?, ?, 0, ?)",
            [
                (number + 1, f"sub-{number:04d}", f"sub-{number:04d}", _stamp(now))
                for number in range(subscriptions)
            ],
        )
        connection.executemany(
            "INSERT INTO subscription_integrations VALUES (?, ?)",
            _links([item.id for item in chosen], subscriptions, links_per_subscription),
        )
    return len(rows)


_INSERT_INTEGRATION = (
    "INSERT INTO integrations (id, name, name_key, provider, url, host_key, "
    "username, email, insecure, ca_cert_pem, managed, locked, policy_key, "
    "last_test_outcome, last_test_message, last_tested_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, NULL, ?, ?, ?, ?, ?)"
)


def _integration_values(item: SeedIntegration, now: datetime) -> tuple[object, ...]:
    tested = item.last_test_outcome is not None
    return (
        item.id,
        item.name,
        name_key(item.name),
        item.provider,
        item.url,
        registry_host_key(item.url),
        item.username,
        f"{item.username}@example.com",
        item.ca_cert_pem,
        item.last_test_outcome,
        f"Last test: {item.last_test_outcome}" if tested else None,
        _stamp(now - timedelta(hours=1)) if tested else None,
        _stamp(now),
        _stamp(now),
    )


def _stamp(moment: datetime) -> str:
    """The text form SQLAlchemy's SQLite dialect stores for DateTime."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _links(ids: list[str], subscriptions: int, per: int) -> Iterator[tuple[int, str]]:
    if not ids:
        return
    for number in range(subscriptions):
        chosen = {ids[(number * 7919 + k * 104729) % len(ids)] for k in range(per)}
        for integration_id in sorted(chosen):
            yield number + 1, integration_id
