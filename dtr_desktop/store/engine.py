"""Opening the database: SQLite pragmas, and migrations run at start."""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from dtr_desktop.domain.errors import StoreError
from dtr_desktop.paths import make_private_dir

log = logging.getLogger(__name__)

DATABASE_NAME = "dtr-desktop.sqlite3"
KNOWN_REVISIONS = ("0001",)
HEAD_REVISION = KNOWN_REVISIONS[-1]
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
    """The schema revision of a database file, read without loading alembic.

    None when there is no database yet; ``StoreError`` when the file cannot
    be read or is not a dtr-desktop database, so nothing migrates over it.
    """
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute(_TABLES)}
            if "alembic_version" not in tables:
                if tables:
                    raise StoreError(
                        f"{path} is not a dtr-desktop database. Move it away, or "
                        "start with another --data-dir."
                    )
                return None
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from None
    return str(row[0]) if row else None


_TABLES = "SELECT name FROM sqlite_master WHERE type='table'"


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> StoreError:
    reason = str(error)
    if "not a database" in reason:
        return StoreError(
            f"{path} is not a dtr-desktop database (or it is damaged). Move it "
            "away, or start with another --data-dir."
        )
    return StoreError(
        f"The database {path} could not be read ({reason}). Check that the disk "
        "has free space and the folder is yours."
    )


def migrate(path: Path) -> None:
    """Bring the database file to the newest schema revision.

    The check is a single read of ``alembic_version``; alembic is only
    imported when there is something to do, which keeps start-up quick.
    """
    revision = current_revision(path)
    if revision == HEAD_REVISION:
        return
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            f"The database {path} was written by a newer dtr-desktop (schema "
            f"{revision}). Update dtr-desktop, or start with another --data-dir."
        )
    _create_private(path)
    _upgrade(path)
    log.info("database %s migrated to revision %s", path, HEAD_REVISION)


def _create_private(path: Path) -> None:
    """The folder and the file readable by their owner only.

    Names, user names, URLs and CA certificates are nobody else's business;
    SQLite gives its -wal and -shm files the database file's mode.
    """
    try:
        make_private_dir(path.parent, tighten=False)  # see paths.make_private_data_dir
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as error:
        raise StoreError(
            f"The data folder {path.parent} cannot be used ({error.strerror}). "
            "Choose a writable folder with --data-dir."
        ) from None


def _upgrade(path: Path) -> None:
    from alembic import command
    from alembic.config import Config

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


def open_database(data_dir: Path) -> Engine:
    path = database_path(data_dir)
    migrate(path)
    return make_engine(path)
