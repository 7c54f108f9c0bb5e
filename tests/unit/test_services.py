"""Integrations and subscriptions through the services: real SQLite, real keyring."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring.backends.fail
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from dtr_desktop.domain.errors import (
    IntegrationInUse,
    IntegrationNotFound,
    SubscriptionNotFound,
    ValidationError,
)
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.secret_store import KeyringSecretStore, NoUsableKeyring
from dtr_desktop.services import Services
from dtr_desktop.store.engine import database_path
from tests.conftest import keyring_items

PASSWORD = "s3cr:et-пароль-🔑"


def dtr_draft(name: str = "Prod DTR", **changes: object) -> IntegrationDraft:
    values: dict[str, object] = {
        "name": name,
        "provider": "dtr",
        "url": "dtr.example.com",
        "username": "bob",
        "email": "bob@example.com",
    }
    values.update(changes)
    return IntegrationDraft(**values)  # type: ignore[arg-type]


@contextmanager
def failing_commits() -> Iterator[None]:
    """Every commit fails, as a full disk or a lost lock would make it."""

    def refuse(_session: Session) -> None:
        raise RuntimeError("disk full")

    event.listen(Session, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", refuse)


def test_add_keeps_the_password_only_in_the_keyring(
    services: Services, data_dir: Path
) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)

    assert added.url == "https://dtr.example.com"
    assert keyring_items() == [(added.id, PASSWORD)]
    assert services.integrations.password(added.id) == PASSWORD
    database = database_path(data_dir).read_bytes()
    assert PASSWORD.encode() not in database
    assert "пароль".encode() not in database


def test_names_are_unique_ignoring_case(services: Services) -> None:
    services.integrations.add(dtr_draft("Prod DTR"), PASSWORD)

    with pytest.raises(ValidationError) as caught:
        services.integrations.add(dtr_draft("  prod dtr "), "other")

    assert "exists" in caught.value.field_errors["name"]
    assert len(keyring_items()) == 1


def test_edit_keeps_the_secret_when_no_new_password(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)

    edited = services.integrations.edit(
        added.id, dtr_draft("Renamed", url="https://dtr2.example.com:8443/")
    )

    assert (edited.id, edited.name, edited.url) == (
        added.id,
        "Renamed",
        "https://dtr2.example.com:8443",
    )
    assert services.integrations.password(added.id) == PASSWORD


def test_edit_replaces_the_secret(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)

    services.integrations.edit(added.id, dtr_draft(), "new:pw")

    assert keyring_items() == [(added.id, "new:pw")]


def test_failed_edit_commit_restores_the_old_secret(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)

    with failing_commits(), pytest.raises(RuntimeError):
        services.integrations.edit(added.id, dtr_draft("Other"), "new-password")

    assert services.integrations.get_by_id(added.id).name == "Prod DTR"
    assert keyring_items() == [(added.id, PASSWORD)]


def test_failed_add_commit_leaves_no_secret(services: Services) -> None:
    with failing_commits(), pytest.raises(RuntimeError):
        services.integrations.add(dtr_draft(), PASSWORD)

    assert services.integrations.list() == []
    assert keyring_items() == []


def test_failed_delete_commit_restores_the_secret(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)

    with failing_commits(), pytest.raises(RuntimeError):
        services.integrations.delete(added.id)

    assert [i.id for i in services.integrations.list()] == [added.id]
    assert keyring_items() == [(added.id, PASSWORD)]


def test_refused_keyring_saves_nothing(data_dir: Path) -> None:
    refused = KeyringSecretStore(backend=keyring.backends.fail.Keyring())
    services = Services(data_dir, secrets=refused)

    with pytest.raises(NoUsableKeyring) as caught:
        services.integrations.add(dtr_draft(), PASSWORD)

    assert "No secure system keyring" in str(caught.value)
    assert "gnome-keyring" in str(caught.value)
    assert services.integrations.list() == []
    services.close()


def test_delete_is_refused_while_subscriptions_use_it(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)
    for name in ("web-frontend", "Billing"):
        services.subscriptions.add(name)
        services.subscriptions.attach(name, "prod dtr")

    with pytest.raises(IntegrationInUse) as caught:
        services.integrations.delete(added.id)

    assert caught.value.subscriptions == ["Billing", "web-frontend"]
    assert keyring_items() == [(added.id, PASSWORD)]
    assert services.integrations.get("Prod DTR").subscriptions == (
        "Billing",
        "web-frontend",
    )


def test_delete_removes_row_and_secret(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)
    services.subscriptions.add("web")
    services.subscriptions.attach("web", "Prod DTR")
    services.subscriptions.detach("web", "Prod DTR")

    services.integrations.delete(added.id)

    assert services.integrations.list() == []
    assert keyring_items() == []
    with pytest.raises(IntegrationNotFound):
        services.integrations.get("Prod DTR")


def test_deleting_a_subscription_detaches_its_integrations(services: Services) -> None:
    added = services.integrations.add(dtr_draft(), PASSWORD)
    services.subscriptions.add("web")
    services.subscriptions.attach("web", "Prod DTR")

    services.subscriptions.delete("web")

    assert services.integrations.get_by_id(added.id).subscriptions == ()
    with pytest.raises(SubscriptionNotFound):
        services.subscriptions.get("web")
    services.integrations.delete(added.id)


def test_subscriptions_rename_and_refuse_duplicates(services: Services) -> None:
    services.subscriptions.add("web")
    services.subscriptions.add("api")

    with pytest.raises(ValidationError):
        services.subscriptions.rename("web", "API")
    renamed = services.subscriptions.rename("web", "Web Shop")

    assert renamed.name == "Web Shop"
    assert [s.name for s in services.subscriptions.list()] == ["api", "Web Shop"]


def test_attach_twice_is_one_link(services: Services) -> None:
    services.integrations.add(dtr_draft(), PASSWORD)
    services.subscriptions.add("web")

    assert services.subscriptions.attach("web", "Prod DTR") is True
    assert services.subscriptions.attach("web", "prod dtr") is False
    assert services.subscriptions.get("web").integrations == ("Prod DTR",)


def test_anonymous_registry_needs_no_secret(services: Services) -> None:
    added = services.integrations.add(
        IntegrationDraft(name="Mirror", provider="registry", url="mirror.local:5000"),
        None,
    )

    assert keyring_items() == []
    assert services.integrations.password(added.id) is None


def test_the_database_itself_refuses_deleting_a_used_integration(
    services: Services, data_dir: Path
) -> None:
    services.integrations.add(dtr_draft(), PASSWORD)
    services.subscriptions.add("web")
    services.subscriptions.attach("web", "Prod DTR")

    with sqlite3.connect(database_path(data_dir)) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("DELETE FROM integrations")


def test_an_integration_deleted_meanwhile_is_reported_not_crashed(
    services: Services, data_dir: Path
) -> None:
    """Another window or command deletes the row between lookup and write."""
    from dtr_desktop.store.models import IntegrationRow
    from dtr_desktop.store.queries import IntegrationStore, SubscriptionStore

    added = services.integrations.add(dtr_draft(), PASSWORD)
    services.subscriptions.add("web")
    with services.session() as session:
        row = session.get(IntegrationRow, added.id)
        subscription = SubscriptionStore(session).row_by_name("web")
        assert row is not None
        with sqlite3.connect(database_path(data_dir)) as other:
            other.execute("DELETE FROM integrations")
        with pytest.raises(IntegrationNotFound):
            SubscriptionStore(session).attach(subscription, row)
    with services.session() as session:
        services.integrations.add(dtr_draft("Second"), PASSWORD)
        row = IntegrationStore(session).row_by_name("Second")
        with sqlite3.connect(database_path(data_dir)) as other:
            other.execute("DELETE FROM integrations")
        with pytest.raises(IntegrationNotFound):
            IntegrationStore(session).update(row, dtr_draft("Renamed"))


def test_names_differing_only_in_unicode_form_are_one_name(
    services: Services,
) -> None:
    services.integrations.add(dtr_draft("caf\u00e9"), PASSWORD)

    with pytest.raises(ValidationError):
        services.integrations.add(dtr_draft("CAFE\u0301"), PASSWORD)


def test_many_test_results_in_one_statement_skip_deleted_integrations(
    services: Services,
) -> None:
    from datetime import datetime

    from dtr_desktop.domain.values import TestResult
    from dtr_desktop.store.queries import IntegrationStore

    kept = services.integrations.add(dtr_draft(), PASSWORD)
    when = datetime(2026, 12, 4, 19, 30, 5)
    results = {
        kept.id: TestResult("bad-credentials", "Wrong password.", when),
        "0" * 32: TestResult("ok", "Signed in.", when),
    }

    with services.session() as session:
        gone = IntegrationStore(session).record_tests(results)

    assert gone == {"0" * 32}
    stored = services.integrations.get_by_id(kept.id)
    assert (stored.last_test_outcome, stored.last_test_message) == (
        "bad-credentials",
        "Wrong password.",
    )
    assert stored.last_tested_at == when
