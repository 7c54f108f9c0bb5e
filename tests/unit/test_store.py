"""The database file: migrations, pragmas, revision."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from dtr_desktop.domain.errors import StoreError
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


def test_a_foreign_file_is_named_and_left_alone(data_dir: Path) -> None:
    data_dir.mkdir()
    path = database_path(data_dir)
    path.write_text("these are my notes, not a database\n" * 50)

    with pytest.raises(StoreError, match="is not a dtr-desktop database"):
        open_database(data_dir)
    assert path.read_text().startswith("these are my notes")


def test_another_programs_database_gets_no_schema_added(data_dir: Path) -> None:
    data_dir.mkdir()
    path = database_path(data_dir)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE integrations (x)")
        connection.commit()

    with pytest.raises(StoreError, match="not a dtr-desktop database"):
        open_database(data_dir)
    with closing(sqlite3.connect(path)) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
    assert tables == ["integrations"]


def test_a_newer_schema_is_not_touched(data_dir: Path) -> None:
    open_database(data_dir).dispose()
    path = database_path(data_dir)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()

    with pytest.raises(StoreError, match="written by a newer dtr-desktop"):
        open_database(data_dir)
    assert current_revision(path) == "9999"


def test_data_dir_and_database_are_private(data_dir: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        open_database(data_dir).dispose()
    finally:
        os.umask(old_mask)

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(database_path(data_dir).stat().st_mode) == 0o600


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    with pytest.raises(StoreError, match="cannot be used"):
        open_database(blocker / "data")
