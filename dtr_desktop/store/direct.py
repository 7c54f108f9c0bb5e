"""The few store reads and writes that one-shot commands make, without SQLAlchemy.

Importing the SQLAlchemy ORM costs ~350 ms, more than a whole
``integrations test``. Commands that run once per process read one
integration, check whether the policy left anything behind and record one
test result here, with the stdlib ``sqlite3`` module. The queries are
written for one schema revision: a database on any other revision (or none
yet) gets ``None`` from :func:`connect`, and the caller goes through the
store, which migrates it. The tests check that these functions and the
store agree.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from dtr_desktop.docker_config.store_lookup import BUSY_TIMEOUT_SECONDS, DATABASE_NAME
from dtr_desktop.domain.values import TestResult

#: ``dtr_desktop.store.engine.HEAD_REVISION`` (not imported: it loads SQLAlchemy).
SCHEMA_REVISION = "0001"
#: How SQLAlchemy stores a ``DateTime`` in SQLite, so the store reads it back.
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class StoredTarget:
    """What a connection test needs of a stored integration (no secret)."""

    id: str
    name: str
    url: str
    username: str
    insecure: bool
    ca_cert_pem: str | None


def connect(data_dir: Path, *, writable: bool = False) -> sqlite3.Connection | None:
    """The database, or ``None`` when it is missing or on another revision."""
    path = data_dir / DATABASE_NAME
    if not path.exists():
        return None
    mode = "rw" if writable else "ro"
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_SECONDS
    )
    try:
        if _revision(connection) == SCHEMA_REVISION:
            return connection
    except sqlite3.DatabaseError:
        pass  # not ours or damaged: the store says so properly
    connection.close()
    return None


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def target_by_name(connection: sqlite3.Connection, key: str) -> StoredTarget | None:
    """The integration whose ``name_key`` (see ``domain.validation``) is ``key``."""
    row = connection.execute(
        "SELECT id, name, url, username, insecure, ca_cert_pem FROM integrations "
        "WHERE name_key = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    id_, name, url, username, insecure, ca_cert_pem = row
    return StoredTarget(
        str(id_), str(name), str(url), str(username or ""), bool(insecure), ca_cert_pem
    )


def record_test(
    connection: sqlite3.Connection, integration_id: str, result: TestResult
) -> bool:
    """Store a test result, as ``IntegrationStore.record_test``; False if gone."""
    tested_at = result.tested_at.strftime(_DATETIME_FORMAT)
    with connection:
        cursor = connection.execute(
            "UPDATE integrations SET last_test_outcome = ?, last_test_message = ?, "
            "last_tested_at = ? WHERE id = ?",
            (result.outcome, result.message, tested_at, integration_id),
        )
    return cursor.rowcount == 1


def holds_policy_entries(data_dir: Path) -> bool:
    """Whether a policy was applied here: managed integrations or subscriptions.

    ``True`` also when the database cannot be read this way, so the caller
    takes the full path (which migrates it, or says what is wrong).
    """
    try:
        connection = connect(data_dir)
        if connection is None:
            return (data_dir / DATABASE_NAME).exists()
        with closing(connection):
            row = connection.execute(_POLICY_ENTRIES).fetchone()
    except sqlite3.Error:
        return True
    return bool(row[0])


_POLICY_ENTRIES = (
    "SELECT EXISTS (SELECT 1 FROM integrations WHERE managed "
    "OR policy_key IS NOT NULL) OR EXISTS (SELECT 1 FROM subscriptions WHERE managed)"
)
