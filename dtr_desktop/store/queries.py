"""Reading and writing rows; one ``Session`` per user action, owned by the caller."""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dtr_desktop.domain.errors import (
    IntegrationInUse,
    IntegrationNotFound,
    SubscriptionNotFound,
    ValidationError,
)
from dtr_desktop.domain.validation import name_key, registry_host_key
from dtr_desktop.domain.values import (
    Integration,
    IntegrationDraft,
    Subscription,
    TestResult,
)
from dtr_desktop.store.models import (
    IntegrationRow,
    SubscriptionRow,
)
from dtr_desktop.store.models import (
    subscription_integrations as links,
)


def _tested_values_kept(table: Table, since: datetime) -> ColumnElement[bool]:
    """Not edited since ``since``, or edited with the last test kept (renamed)."""
    return or_(table.c.updated_at <= since, table.c.last_tested_at <= since)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_integration_id() -> str:
    return uuid.uuid4().hex


#: The columns ``_integration_from`` reads, in its order.
_INTEGRATION_COLUMNS = (
    IntegrationRow.id,
    IntegrationRow.name,
    IntegrationRow.provider,
    IntegrationRow.url,
    IntegrationRow.username,
    IntegrationRow.email,
    IntegrationRow.insecure,
    IntegrationRow.ca_cert_pem,
    IntegrationRow.managed,
    IntegrationRow.locked,
    IntegrationRow.last_test_outcome,
    IntegrationRow.last_test_message,
    IntegrationRow.last_tested_at,
    IntegrationRow.created_at,
    IntegrationRow.updated_at,
)


class IntegrationStore:
    """Queries on integrations within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Integration]:
        """Every integration, read as plain rows: no ORM object per integration.

        Large accounts list 100,000 integrations; building and tracking an
        ORM object for each cost several seconds and ~100 MB more than these
        column tuples.
        """
        users = self._subscription_names_by_integration()
        rows = self.session.execute(
            select(*_INTEGRATION_COLUMNS).order_by(IntegrationRow.name_key)
        )
        return [_integration_from(tuple(row), users) for row in rows]

    def listing(self) -> list[Integration]:
        """Every integration with the list's fields only, for large accounts.

        Read with the driver's own connection, no SQLAlchemy row or type
        processing per row; see ``dtr_desktop.store.listing``.
        """
        from dtr_desktop.store import listing

        raw = self.session.connection().connection.dbapi_connection
        return listing.integrations(cast(sqlite3.Connection, raw))

    def _subscription_names_by_integration(self) -> dict[str, tuple[str, ...]]:
        query = (
            select(links.c.integration_id, SubscriptionRow.name)
            .join(SubscriptionRow, SubscriptionRow.id == links.c.subscription_id)
            .order_by(SubscriptionRow.name_key)
        )
        found: defaultdict[str, list[str]] = defaultdict(list)
        for integration_id, name in self.session.execute(query):
            found[integration_id].append(name)
        return {key: tuple(names) for key, names in found.items()}

    def row_by_name(self, name: str) -> IntegrationRow:
        row = self.session.scalar(
            select(IntegrationRow).where(IntegrationRow.name_key == name_key(name))
        )
        if row is None:
            raise IntegrationNotFound(name)
        return row

    def row_by_id(self, integration_id: str) -> IntegrationRow:
        row = self.session.get(IntegrationRow, integration_id)
        if row is None:
            raise IntegrationNotFound(integration_id)
        return row

    def rows_by_host(self, host_key: str) -> list[IntegrationRow]:
        query = (
            select(IntegrationRow)
            .where(IntegrationRow.host_key == host_key)
            .order_by(IntegrationRow.created_at)
        )
        return list(self.session.scalars(query))

    def get(self, name: str) -> Integration:
        return to_integration(self.row_by_name(name))

    def get_by_id(self, integration_id: str) -> Integration:
        return to_integration(self.row_by_id(integration_id))

    def name_taken(self, name: str, except_id: str | None = None) -> bool:
        query = select(IntegrationRow.id).where(
            IntegrationRow.name_key == name_key(name)
        )
        found = self.session.scalar(query)
        return found is not None and found != except_id

    def add(self, draft: IntegrationDraft, **flags: object) -> IntegrationRow:
        """Insert a row for a cleaned draft and flush it (the caller commits)."""
        self._check_name_free(draft.name)
        now = utcnow()
        row = IntegrationRow(
            id=new_integration_id(),
            created_at=now,
            updated_at=now,
            managed=bool(flags.get("managed", False)),
            locked=bool(flags.get("locked", False)),
            policy_key=flags.get("policy_key"),
        )
        apply_draft(row, draft)
        self.session.add(row)
        self._flush_checking_name(draft.name)
        return row

    def update(self, row: IntegrationRow, draft: IntegrationDraft) -> None:
        self._check_name_free(draft.name, except_id=row.id)
        apply_draft(row, draft)
        row.updated_at = utcnow()
        self._flush_checking_name(draft.name)

    def delete(self, row: IntegrationRow) -> None:
        """Delete a row; refuse with the subscriptions' names while any use it."""
        users = [subscription.name for subscription in row.subscriptions]
        if users:
            raise IntegrationInUse(row.name, users)
        name = row.name
        try:
            self.session.execute(
                delete(IntegrationRow).where(IntegrationRow.id == row.id)
            )
            self.session.flush()
        except IntegrityError:
            # A subscription attached it in between: the foreign key refused.
            self.session.rollback()
            fresh = self.row_by_name(name)
            raise IntegrationInUse(
                name, [s.name for s in fresh.subscriptions]
            ) from None

    def record_test(self, integration_id: str, result: TestResult) -> None:
        row = self.row_by_id(integration_id)
        row.last_test_outcome = result.outcome
        row.last_test_message = result.message
        row.last_tested_at = result.tested_at

    def record_tests(
        self, results: Mapping[str, TestResult], unchanged_since: datetime | None = None
    ) -> set[str]:
        """Many results in one statement; the ids not recorded come back.

        With ``unchanged_since``, an integration edited after that time is
        skipped when the edit cleared or replaced its last test (its tested
        values changed: the result is of values it no longer has); a rename
        keeps the last test and takes the result. Loading each row
        to change it (``record_test``) cost ~0.4 ms per result at the end of
        Test all.
        """
        if not results:
            return set()
        table = cast(Table, IntegrationRow.__table__)
        tested = table.c.id == bindparam("tested_id")
        if unchanged_since is not None:
            tested = tested & _tested_values_kept(table, unchanged_since)
        statement = (
            update(table)
            .where(tested)
            .values(
                last_test_outcome=bindparam("outcome"),
                last_test_message=bindparam("message"),
                last_tested_at=bindparam("tested_at"),
            )
        )
        rows = [
            {
                "tested_id": integration_id,
                "outcome": result.outcome,
                "message": result.message,
                "tested_at": result.tested_at,
            }
            for integration_id, result in results.items()
        ]
        done = cast(CursorResult[Any], self.session.execute(statement, rows))
        if done.rowcount == len(rows):
            return set()
        kept = select(table.c.id).where(table.c.id.in_(results))
        if unchanged_since is not None:
            kept = kept.where(_tested_values_kept(table, unchanged_since))
        return set(results) - set(self.session.scalars(kept))

    def _check_name_free(self, name: str, except_id: str | None = None) -> None:
        if self.name_taken(name, except_id):
            raise ValidationError({"name": f"An integration named {name!r} exists."})

    def _flush_checking_name(self, name: str) -> None:
        try:
            self.session.flush()
        except StaleDataError:
            # Deleted by another window or command while this edit was open.
            self.session.rollback()
            raise IntegrationNotFound(name) from None
        except IntegrityError:
            self.session.rollback()
            raise ValidationError(
                {"name": f"An integration named {name!r} exists."}
            ) from None


class SubscriptionStore:
    """Queries on subscriptions within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Subscription]:
        """Every subscription with its integrations' names, in two queries."""
        used = self._integration_names_by_subscription()
        rows = self.session.execute(
            select(
                SubscriptionRow.id, SubscriptionRow.name, SubscriptionRow.managed
            ).order_by(SubscriptionRow.name_key)
        )
        return [
            Subscription(
                id=id_, name=name, integrations=used.get(id_, ()), managed=managed
            )
            for id_, name, managed in rows
        ]

    def _integration_names_by_subscription(self) -> dict[int, tuple[str, ...]]:
        query = (
            select(links.c.subscription_id, IntegrationRow.name)
            .join(IntegrationRow, IntegrationRow.id == links.c.integration_id)
            .order_by(IntegrationRow.name_key)
        )
        found: defaultdict[int, list[str]] = defaultdict(list)
        for subscription_id, name in self.session.execute(query):
            found[subscription_id].append(name)
        return {key: tuple(names) for key, names in found.items()}

    def names(self) -> list[str]:
        query = select(SubscriptionRow.name).order_by(SubscriptionRow.name_key)
        return list(self.session.scalars(query))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count(SubscriptionRow.id))) or 0)

    def row_by_name(self, name: str) -> SubscriptionRow:
        row = self.session.scalar(
            select(SubscriptionRow).where(SubscriptionRow.name_key == name_key(name))
        )
        if row is None:
            raise SubscriptionNotFound(name)
        return row

    def get(self, name: str) -> Subscription:
        return to_subscription(self.row_by_name(name))

    def add(self, name: str, managed: bool = False) -> SubscriptionRow:
        self._check_name_free(name)
        row = SubscriptionRow(
            name=name, name_key=name_key(name), managed=managed, created_at=utcnow()
        )
        self.session.add(row)
        self.session.flush()
        return row

    def rename(self, row: SubscriptionRow, new_name: str) -> None:
        self._check_name_free(new_name, except_id=row.id)
        row.name = new_name
        row.name_key = name_key(new_name)
        self.session.flush()

    def delete(self, row: SubscriptionRow) -> None:
        """Delete a subscription; its links to integrations go with it."""
        self.session.execute(delete(links).where(links.c.subscription_id == row.id))
        self.session.delete(row)
        self.session.flush()

    def attach(self, row: SubscriptionRow, integration: IntegrationRow) -> bool:
        """Attach; False when it already was."""
        if integration in row.integrations:
            return False
        try:
            self.session.execute(
                insert(links).values(
                    subscription_id=row.id, integration_id=integration.id
                )
            )
        except IntegrityError:
            # Deleted by another window or command since it was looked up.
            raise IntegrationNotFound(integration.name) from None
        self.session.expire(row, ["integrations"])
        return True

    def detach(self, row: SubscriptionRow, integration: IntegrationRow) -> bool:
        """Detach; False when it was not attached."""
        result = self.session.execute(
            delete(links).where(
                links.c.subscription_id == row.id,
                links.c.integration_id == integration.id,
            )
        )
        self.session.expire(row, ["integrations"])
        return bool(getattr(result, "rowcount", 0))

    def _check_name_free(self, name: str, except_id: int | None = None) -> None:
        query = select(SubscriptionRow.id).where(
            SubscriptionRow.name_key == name_key(name)
        )
        found = self.session.scalar(query)
        if found is not None and found != except_id:
            raise ValidationError({"name": f"A subscription named {name!r} exists."})


def apply_draft(row: IntegrationRow, draft: IntegrationDraft) -> None:
    row.name = draft.name
    row.name_key = name_key(draft.name)
    row.provider = draft.provider
    row.url = draft.url
    row.host_key = registry_host_key(draft.url)
    row.username = draft.username
    row.email = draft.email
    row.insecure = draft.insecure
    row.ca_cert_pem = draft.ca_cert_pem


def to_integration(
    row: IntegrationRow, users: Iterable[str] | None = None
) -> Integration:
    if users is None:
        users = [subscription.name for subscription in row.subscriptions]
    return Integration(
        id=row.id,
        name=row.name,
        provider=row.provider,
        url=row.url,
        username=row.username,
        email=row.email,
        insecure=row.insecure,
        ca_cert_pem=row.ca_cert_pem,
        managed=row.managed,
        locked=row.locked,
        subscriptions=tuple(users),
        last_test_outcome=row.last_test_outcome,
        last_test_message=row.last_test_message,
        last_tested_at=row.last_tested_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _integration_from(
    row: tuple[Any, ...], users: dict[str, tuple[str, ...]]
) -> Integration:
    (id_, name, provider, url, username, email, insecure, ca_cert_pem, managed,
     locked, outcome, message, tested_at, created_at, updated_at) = row  # fmt: skip
    return Integration(
        id=id_,
        name=name,
        provider=provider,
        url=url,
        username=username,
        email=email,
        insecure=insecure,
        ca_cert_pem=ca_cert_pem,
        managed=managed,
        locked=locked,
        subscriptions=users.get(id_, ()),
        last_test_outcome=outcome,
        last_test_message=message,
        last_tested_at=tested_at,
        created_at=created_at,
        updated_at=updated_at,
    )


def to_subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        name=row.name,
        integrations=tuple(integration.name for integration in row.integrations),
        managed=row.managed,
    )
