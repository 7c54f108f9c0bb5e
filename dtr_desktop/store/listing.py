"""The window's two lists, read with the stdlib ``sqlite3`` module.

The window lists every integration (100,000 in large accounts) and every
subscription as soon as it opens. Reading them through SQLAlchemy loaded
the ORM first: ~350 ms and ~47 MB of resident memory before any row, for
two plain queries. These functions take a ``sqlite3`` connection on the
current schema (``dtr_desktop.store.direct.connect``, or the DBAPI
connection under a SQLAlchemy session) and build the values directly.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any

from dtr_desktop.domain.integration_rows import (
    INSECURE,
    LOCKED,
    MANAGED,
    NEVER,
    IntegrationRows,
    micros,
)
from dtr_desktop.domain.values import Integration, Subscription

_INTEGRATIONS = (
    "SELECT id, name, provider, url, username, insecure, managed, locked, "
    "last_test_outcome, last_test_message, last_tested_at "
    "FROM integrations ORDER BY name_key"
)
_USERS = (
    "SELECT l.integration_id, s.name FROM subscription_integrations AS l "
    "JOIN subscriptions AS s ON s.id = l.subscription_id ORDER BY s.name_key"
)
_SUBSCRIPTIONS = "SELECT id, name, managed FROM subscriptions ORDER BY name_key"
_USED = (
    "SELECT l.subscription_id, i.name FROM subscription_integrations AS l "
    "JOIN integrations AS i ON i.id = l.integration_id ORDER BY i.name_key"
)


def integrations(connection: sqlite3.Connection) -> list[Integration]:
    """Every integration with the list's fields only, sorted by name.

    The e-mail, the CA certificate and the creation and change times are
    left empty (a dialog reads them with ``get_by_id``); repeated values
    (type, user name, outcome, message) share one string.
    """
    users = _grouped(connection, _USERS)
    shared: dict[Any, Any] = {}
    share = shared.setdefault
    return [
        Integration(
            id=id_,
            name=name,
            provider=share(provider, provider),
            url=url,
            username=share(username, username),
            email="",
            insecure=bool(insecure),
            managed=bool(managed),
            locked=bool(locked),
            subscriptions=users.get(id_, ()),
            last_test_outcome=share(outcome, outcome),
            last_test_message=share(message, message),
            last_tested_at=_stored_time(tested_at),
        )
        for (id_, name, provider, url, username, insecure, managed, locked,
             outcome, message, tested_at) in connection.execute(_INTEGRATIONS)
    ]  # fmt: skip


def integration_rows(connection: sqlite3.Connection) -> IntegrationRows:
    """``integrations`` kept column by column (see ``IntegrationRows``).

    What the window keeps: no ``Integration`` or ``datetime`` per row.
    """
    users = _grouped(connection, _USERS)
    rows = IntegrationRows()
    append = rows.append_slot
    for (id_, name, provider, url, username, insecure, managed, locked,
         outcome, message, tested_at) in connection.execute(_INTEGRATIONS):  # fmt: skip
        flags = (
            (INSECURE if insecure else 0)
            | (MANAGED if managed else 0)
            | (LOCKED if locked else 0)
        )
        when = NEVER if tested_at is None else micros(_stored_time(tested_at))
        used_by = users.get(id_, ())
        append(
            (id_, name, provider, url, username, flags, used_by, outcome, message, when)
        )
    rows.reindex()
    return rows


def subscriptions(connection: sqlite3.Connection) -> list[Subscription]:
    """Every subscription with its integrations' names, sorted by name."""
    used = _grouped(connection, _USED)
    return [
        Subscription(
            id=id_, name=name, integrations=used.get(id_, ()), managed=bool(managed)
        )
        for id_, name, managed in connection.execute(_SUBSCRIPTIONS)
    ]


def _grouped(connection: sqlite3.Connection, query: str) -> dict[Any, tuple[str, ...]]:
    found: defaultdict[Any, list[str]] = defaultdict(list)
    for key, name in connection.execute(query):
        found[key].append(name)
    return {key: tuple(names) for key, names in found.items()}


def _stored_time(value: object) -> datetime | None:
    """A time as SQLAlchemy stores it in SQLite (ISO text), or None."""
    if isinstance(value, datetime) or value is None:
        return value
    return datetime.fromisoformat(str(value))
