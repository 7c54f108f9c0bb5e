"""Opening the database: SQLite pragmas, and migrations run at start."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from dtr_desktop.domain.errors import StoreError

log = logging.getLogger(__name__)

DATABASE_NAME = "dtr-desktop.sqlite3"
HEAD_REVISION = "0001"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS = Path(__file__).with_name("migrations")


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_NAME


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    """An engine for the database file, with foreign keys, WAL and a busy timeout."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


def current_revision(path: Path) -> str | None:
    """The schema revision of a database file, read without loading alembic."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute(
                "SELECT version_num FROM alembic_version"
            ).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def migrate(path: Path) -> None:
    """Bring the database file to the newest schema revision.

    The check is a single read of ``alembic_version``; alembic is only
    imported when there is something to do, which keeps start-up quick.
    """
    if current_revision(path) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    path.parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_path"] = path
    try:
        command.upgrade(config, "head")
    except Exception as error:  # alembic raises many kinds; all mean the same
        log.exception("migration of %s failed", path)
        raise StoreError(
            f"The database {path} could not be upgraded ({type(error).__name__}). "
            "Make sure the folder is writable, or start with another --data-dir."
        ) from error
    log.info("database %s migrated to revision %s", path, HEAD_REVISION)


def open_database(data_dir: Path) -> Engine:
    path = database_path(data_dir)
    migrate(path)
    return make_engine(path)
