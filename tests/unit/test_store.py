"""The database file: migrations, pragmas, revision."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dtr_desktop.store.engine import (
    HEAD_REVISION,
    current_revision,
    database_path,
    open_database,
)


def test_migrations_create_revision_one_in_wal_mode(data_dir: Path) -> None:
    engine = open_database(data_dir)
    engine.dispose()
    path = database_path(data_dir)

    assert current_revision(path) == HEAD_REVISION == "0001"
    with sqlite3.connect(path) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        }
    assert mode == "wal"
    assert {"integrations", "subscriptions", "subscription_integrations"} <= tables


def test_reopening_keeps_data_and_revision(data_dir: Path) -> None:
    open_database(data_dir).dispose()
    with sqlite3.connect(database_path(data_dir)) as connection:
        connection.execute(
            "INSERT INTO subscriptions (name, name_key, managed, created_at) "
            "VALUES ('web', 'web', 0, '2026-01-01')"
        )
    open_database(data_dir).dispose()
    with sqlite3.connect(database_path(data_dir)) as connection:
        names = connection.execute("SELECT name FROM subscriptions").fetchall()
    assert names == [("web",)]


def test_models_match_the_migrations(data_dir: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dtr_desktop.store.models import Base

    engine = open_database(data_dir)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
