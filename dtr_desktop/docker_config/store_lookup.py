"""Read-only lookups in the dtr-desktop database with the stdlib ``sqlite3``.

The credential helper answers ``get`` and ``list`` from here so that it
never loads the SQLAlchemy ORM. The queries rely on the ``integrations``
table of the alembic revision 0001; the tests check that the file name and
the choice of integration agree with the store and the services.
"""

from __future__ import annotations

import os
import sqlite3

from dtr_desktop.docker_config.protocol import docker_server_key

TYPE_CHECKING = False  # as typing.TYPE_CHECKING; importing typing costs ~3 ms
if TYPE_CHECKING:
    from os import PathLike

# The same name as dtr_desktop.store.engine.DATABASE_NAME (not imported: it
# would load SQLAlchemy).
DATABASE_NAME = "dtr-desktop.sqlite3"
BUSY_TIMEOUT_SECONDS = 5.0

# Among several integrations for one registry, the helper uses the oldest
# one that has a user name (the services choose the same way).
_PREFERRED_ORDER = "ORDER BY username = '', created_at, id"


class HelperLogin:
    """The integration the helper answers with for a registry.

    A plain class: ``dataclasses`` imports ``inspect`` and ``NamedTuple``
    ``typing``, ~10 and ~3 ms of every ``get``.
    """

    __slots__ = ("integration_id", "username")

    def __init__(self, integration_id: str, username: str) -> None:
        self.integration_id = integration_id
        self.username = username

    def __repr__(self) -> str:
        return f"HelperLogin({self.integration_id!r}, {self.username!r})"


def _connect(data_dir: str | PathLike[str]) -> sqlite3.Connection | None:
    path = os.path.join(os.path.abspath(data_dir), DATABASE_NAME)
    if not os.path.exists(path):
        return None
    return sqlite3.connect(
        f"file:{_uri_escaped(path)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS
    )


def _uri_escaped(path: str) -> str:
    """A file path as SQLite reads it inside a ``file:`` URI.

    SQLite decodes ``%HH`` and ends the path at ``?`` or ``#``; nothing else
    needs escaping, so ``urllib.parse`` (and ``ipaddress``) stay unloaded.
    """
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def login_for_host(data_dir: str | PathLike[str], host_key: str) -> HelperLogin | None:
    """The preferred integration for a registry, or ``None`` if there is none."""
    connection = _connect(data_dir)
    if connection is None:
        return None
    try:
        row = connection.execute(
            "SELECT id, username FROM integrations WHERE host_key = ? "
            f"{_PREFERRED_ORDER} LIMIT 1",
            (host_key,),
        ).fetchone()
    finally:
        connection.close()
    return HelperLogin(str(row[0]), str(row[1])) if row else None


def usernames_by_server(data_dir: str | PathLike[str]) -> dict[str, str]:
    """Server → user name, one entry per registry, as ``list`` reports it."""
    connection = _connect(data_dir)
    if connection is None:
        return {}
    try:
        rows = connection.execute(
            f"SELECT host_key, username FROM integrations {_PREFERRED_ORDER}"
        ).fetchall()
    finally:
        connection.close()
    found: dict[str, str] = {}
    for host_key, username in rows:
        if username:
            found.setdefault(docker_server_key(str(host_key)), str(username))
    return found
