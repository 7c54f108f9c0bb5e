"""Reading many secrets from the Secret Service in one go, as keyring stores them.

keyring's Secret Service backend opens a D-Bus connection, looks up the
collection, unlocks it and opens an encrypted session for every password it
reads: ~30 ms each, seconds for a Test all over a hundred integrations.
Here one connection, one unlock request and one session serve them all:
the items are found exactly as the backend finds them (its preferred
collection and its attribute scheme, first match), and their secrets come
back in one ``GetSecrets`` call.

Anything that does not come back that way (an item still locked, a service
that refuses the batch call) is read through the backend itself, so the
answer, a prompt or the error is keyring's own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import closing
from typing import Any

log = logging.getLogger(__name__)

#: keyring's Secret Service backend, as ``keyring_store.describe`` names it.
BACKEND = "keyring.backends.SecretService.Keyring"


def read_many(
    backend: Any, service: str, usernames: Sequence[str]
) -> dict[str, str | None]:
    """(service, username) → secret for each username; ``None`` when absent."""
    from keyring.errors import KeyringLocked

    collection = backend.get_preferred_collection()  # unlocks it, or raises
    with closing(collection.connection) as connection:
        paths = _item_paths(backend, collection, service, usernames)
        if _unlock(connection, list(paths.values())):
            raise KeyringLocked("Failed to unlock the items!")
        found = _secrets(connection, paths)
    missing = [name for name in paths if name not in found]
    if missing:
        log.info("%d secrets read one by one (locked or not sent)", len(missing))
    for name in missing:
        found[name] = backend.get_password(service, name)
    return {name: found.get(name) for name in usernames}


def _item_paths(
    backend: Any, collection: Any, service: str, usernames: Sequence[str]
) -> dict[str, str]:
    """The first item of each username, as ``get_password`` would take it."""
    paths: dict[str, str] = {}
    for name in usernames:
        first = next(collection.search_items(backend._query(service, name)), None)
        if first is not None:
            paths[name] = first.item_path
    return paths


def _unlock(connection: Any, paths: list[str]) -> bool:
    """One unlock request for all items; True when the user dismissed it."""
    from secretstorage.util import unlock_objects

    return bool(paths) and unlock_objects(connection, paths)


def _secrets(connection: Any, paths: dict[str, str]) -> dict[str, str]:
    from jeepney.wrappers import DBusErrorResponse
    from secretstorage.defines import SS_PATH
    from secretstorage.util import SERVICE_IFACE, DBusAddressWrapper, open_session

    if not paths:
        return {}
    session = open_session(connection)
    secret_service = DBusAddressWrapper(SS_PATH, SERVICE_IFACE, connection)
    try:
        (replies,) = secret_service.call(
            "GetSecrets", "aoo", list(paths.values()), session.object_path
        )
    except DBusErrorResponse as error:
        log.info("the Secret Service refused to send secrets at once: %s", error.name)
        return {}
    finally:
        _close_session(connection, session.object_path)
    by_path = {path: name for name, path in paths.items()}
    return {
        by_path[path]: _decrypt(session, reply)
        for path, reply in replies.items()
        if path in by_path
    }


def _decrypt(session: Any, reply: tuple[Any, ...]) -> str:
    """A secret as the session sent it: plain, or AES-128-CBC with PKCS#7 padding."""
    _, parameters, value = reply[:3]
    if not session.encrypted:
        return bytes(value).decode("utf-8")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher = Cipher(algorithms.AES(session.aes_key), modes.CBC(bytes(parameters)))
    decryptor = cipher.decryptor()
    padded = decryptor.update(bytes(value)) + decryptor.finalize()
    return padded[: -padded[-1]].decode("utf-8")


def _close_session(connection: Any, path: str | None) -> None:
    from secretstorage.util import DBusAddressWrapper

    if path is None:
        return
    DBusAddressWrapper(path, "org.freedesktop.Secret.Session", connection).call(
        "Close", ""
    )
