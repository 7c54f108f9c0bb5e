"""Adding, editing and deleting integrations: the row and its secret as one.

The database row and the keyring entry are two writes that cannot share a
transaction. Each use case makes the row change first without committing,
then the keyring change, then commits; when the commit fails, the keyring
change is undone. Either both land or neither does.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from dtr_desktop.domain.errors import ManagedByPolicy, ValidationError
from dtr_desktop.domain.validation import (
    canonical_ca_pem,
    clean_draft,
    password_error,
)
from dtr_desktop.domain.values import Integration, IntegrationDraft, TestResult

if TYPE_CHECKING:
    from dtr_desktop.domain.integration_rows import IntegrationRows
    from dtr_desktop.services.app import Services
    from dtr_desktop.store.models import IntegrationRow

log = logging.getLogger(__name__)

T = TypeVar("T")

LOCKED_FIELDS = ("name", "provider", "url", "insecure", "ca_cert_pem")
#: Fields a connection test depends on (with the password): changing one
#: makes the stored last test describe an integration that no longer exists.
TESTED_FIELDS = ("url", "username", "insecure", "ca_cert_pem")


def read_plain(services: Services, read: Callable[[sqlite3.Connection], T]) -> T:
    """``read`` over a plain ``sqlite3`` connection to the account's database.

    A database that is missing, on an older schema or unreadable this way is
    opened through the store first, which creates or migrates it (or raises
    ``StoreError`` saying what is wrong); only then is SQLAlchemy loaded.
    """
    from dtr_desktop.store import direct

    connection = direct.connect(services.data_dir)
    if connection is None:
        _ = services.engine
        connection = direct.connect(services.data_dir)
    if connection is None:
        with services.session() as session:
            raw = session.connection().connection.dbapi_connection
            return read(cast(sqlite3.Connection, raw))
    with closing(connection):
        return read(connection)


class IntegrationService:
    def __init__(self, services: Services) -> None:
        self._services = services

    def listing(self) -> list[Integration]:
        """Every integration with only the fields a list shows (see the store).

        Read with ``sqlite3``: the window lists before any change, and
        loading SQLAlchemy for it cost ~47 MB of memory (see ``read_plain``).
        """
        from dtr_desktop.store import listing

        return read_plain(self._services, listing.integrations)

    def rows(self) -> IntegrationRows:
        """``listing`` kept column by column, as the window holds 100,000."""
        from dtr_desktop.store import listing

        return read_plain(self._services, listing.integration_rows)

    def list(self) -> list[Integration]:
        from dtr_desktop.store.queries import IntegrationStore

        with self._services.session() as session:
            return IntegrationStore(session).all()

    def get(self, name: str) -> Integration:
        from dtr_desktop.store.queries import IntegrationStore

        with self._services.session() as session:
            return IntegrationStore(session).get(name)

    def get_by_id(self, integration_id: str) -> Integration:
        from dtr_desktop.store.queries import IntegrationStore

        with self._services.session() as session:
            return IntegrationStore(session).get_by_id(integration_id)

    def password(self, integration_id: str) -> str | None:
        """The stored secret, for a connection test or a credential lookup."""
        return self._services.secrets.get(integration_id)

    def has_password(self, integration_id: str) -> bool:
        """Whether the keyring holds a secret for the integration.

        A policy can add an integration without one; Edit says so instead of
        claiming a saved password.
        """
        return bool(self._services.secrets.get(integration_id))

    def add(
        self,
        draft: IntegrationDraft,
        password: str | None,
        *,
        last_test: TestResult | None = None,
        **flags: object,
    ) -> Integration:
        """Add an integration; ``last_test`` is a test run on exactly these values."""
        from dtr_desktop.store.queries import IntegrationStore, to_integration

        draft = clean_draft(draft)
        self._services.policy.check_integration(draft)
        _check_password(password or "", draft.username)
        secrets = self._services.secrets
        with self._services.session() as session:
            store = IntegrationStore(session)
            row = store.add(draft, **flags)
            if last_test is not None:
                store.record_test(row.id, last_test)
            if password:
                secrets.set(row.id, password)
            try:
                session.commit()
            except BaseException:
                if password:
                    secrets.delete(row.id)
                raise
            added = to_integration(row, ())
        log.info("integration %s added (%s, %s)", added.id, added.provider, added.url)
        return added

    def edit(
        self,
        integration_id: str,
        draft: IntegrationDraft,
        password: str | None = None,
        *,
        last_test: TestResult | None = None,
    ) -> Integration:
        """Change an integration; ``password=None`` keeps the stored secret.

        A change to what a connection test depends on (URL, user name,
        password, CA certificate, insecure) clears the stored last test, unless
        ``last_test`` is a test run on exactly the new values: then it is kept.
        """
        from dtr_desktop.store.queries import IntegrationStore, to_integration

        try:
            draft = clean_draft(draft)
        except ValidationError as error:
            draft = self._keep_managed_ca(integration_id, draft, error)
        if password is not None:
            _check_password(password, draft.username)
        with self._services.session() as session:
            store = IntegrationStore(session)
            row = store.row_by_id(integration_id)
            current = _as_saved_now(to_integration(row, ()).draft())
            if row.locked:
                _refuse_locked_change(current, draft)
            self._services.policy.check_integration(draft, current)
            store.update(row, draft)
            forget = not draft.username and password is None
            previous = self._replace_secret(row.id, password, forget)
            if last_test is not None:
                store.record_test(row.id, last_test)
            elif _tested_values_changed(current, draft, password, previous):
                _forget_last_test(row)
            try:
                session.commit()
            except BaseException:
                self._restore_secret(row.id, previous)
                raise
            edited = to_integration(row)
        log.info("integration %s edited", integration_id)
        return edited

    def _keep_managed_ca(
        self, integration_id: str, draft: IntegrationDraft, error: ValidationError
    ) -> IntegrationDraft:
        """A locked integration's unreadable CA, left as the policy gave it.

        Its user cannot change the CA, so it must not stop them changing
        what they may (user name, password, email). Otherwise ``error``.
        """
        stored = self.get_by_id(integration_id)
        unchanged = (draft.ca_cert_pem or "").strip() == (
            stored.ca_cert_pem or ""
        ).strip()
        if set(error.field_errors) != {"ca_cert_pem"} or not (
            stored.locked and unchanged
        ):
            raise error
        cleaned = clean_draft(replace(draft, ca_cert_pem=None))
        return replace(cleaned, ca_cert_pem=stored.ca_cert_pem)

    def delete(self, integration_id: str) -> None:
        """Delete an integration and its secret; refused while subscriptions use it."""
        from dtr_desktop.store.queries import IntegrationStore

        secrets = self._services.secrets
        with self._services.session() as session:
            store = IntegrationStore(session)
            row = store.row_by_id(integration_id)
            if row.locked:
                raise ManagedByPolicy(
                    f"{row.name!r} is managed by your administrator's policy and "
                    "cannot be deleted."
                )
            store.delete(row)
            previous = secrets.get(integration_id)
            secrets.delete(integration_id)
            try:
                session.commit()
            except BaseException:
                self._restore_secret(integration_id, previous)
                raise
        log.info("integration %s deleted", integration_id)

    def record_test(self, integration_id: str, result: TestResult) -> None:
        from dtr_desktop.store.queries import IntegrationStore

        with self._services.session() as session:
            IntegrationStore(session).record_test(integration_id, result)

    def _replace_secret(
        self, integration_id: str, password: str | None, forget: bool
    ) -> str | None:
        """Write the new secret (or forget it); return the old one for an undo."""
        if password is None and not forget:
            return None
        secrets = self._services.secrets
        previous = secrets.get(integration_id)
        if password:
            secrets.set(integration_id, password)
        else:
            secrets.delete(integration_id)
        return previous if previous is not None else ""

    def _restore_secret(self, integration_id: str, previous: str | None) -> None:
        secrets = self._services.secrets
        try:
            if previous:
                secrets.set(integration_id, previous)
            elif previous == "":
                secrets.delete(integration_id)
        except Exception:
            log.exception("could not restore the secret of %s", integration_id)


def _tested_values_changed(
    current: IntegrationDraft,
    wanted: IntegrationDraft,
    password: str | None,
    previous: str | None,
) -> bool:
    """Whether an edit changed what the last connection test proved."""
    if any(getattr(current, f) != getattr(wanted, f) for f in TESTED_FIELDS):
        return True
    return password is not None and password != previous


def _as_saved_now(stored: IntegrationDraft) -> IntegrationDraft:
    """The stored values with the CA in the standard form a save writes.

    A CA saved by an older version in another PEM layout is the same trust:
    writing it out again is no change to refuse on a managed integration,
    nor a reason to forget the last test.
    """
    if not stored.ca_cert_pem:
        return stored
    try:
        pem = canonical_ca_pem(stored.ca_cert_pem)
    except ValueError:
        return stored
    return replace(stored, ca_cert_pem=pem)


def _forget_last_test(row: IntegrationRow) -> None:
    row.last_test_outcome = None
    row.last_test_message = None
    row.last_tested_at = None


def _check_password(password: str, username: str) -> None:
    why = password_error(password, username)
    if why:
        raise ValidationError({"password": why})


def _refuse_locked_change(current: IntegrationDraft, wanted: IntegrationDraft) -> None:
    changed = [
        field
        for field in LOCKED_FIELDS
        if getattr(current, field) != getattr(wanted, field)
    ]
    if changed:
        raise ManagedByPolicy(
            f"{current.name!r} is managed by your administrator's policy: its "
            f"{', '.join(changed)} cannot be changed. You can change the user name, "
            "password and email."
        )
