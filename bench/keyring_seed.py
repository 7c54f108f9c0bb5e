"""Writing many secrets into the session's Secret Service in one connection.

Items carry exactly the attributes their own tools write, so the product's
keyring lookups and ``docker-credential-secretservice`` find them as if each
had been stored one by one: the product's through the ``keyring`` package's
Secret Service layout, docker's through the ``io.docker.Credentials`` schema.
The session's keyring starts empty, so items are created without the search
for an existing one that ``replace=True`` costs (gnome-keyring also rewrites
its whole file on every change, so 1,000 items take a while either way).
"""

from __future__ import annotations

from collections.abc import Iterable

import secretstorage

from dtr_desktop.secret_store import SERVICE_NAME

KEYRING_APPID = "Python keyring library"
DOCKER_SCHEMA = "io.docker.Credentials"


def store_product_secrets(secrets: Iterable[tuple[str, str]]) -> int:
    """(integration id, secret) pairs, as ``keyring.set_password`` stores them."""
    count = 0
    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        for integration_id, secret in secrets:
            attributes = {
                "service": SERVICE_NAME,
                "username": integration_id,
                "application": KEYRING_APPID,
            }
            label = f"Password for '{integration_id}' on '{SERVICE_NAME}'"
            collection.create_item(label, attributes, secret.encode(), replace=False)
            count += 1
    return count


def store_docker_secrets(entries: Iterable[tuple[str, str, str]]) -> int:
    """(server URL, username, secret), as ``docker-credential-secretservice store``."""
    count = 0
    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        for server, username, secret in entries:
            attributes = {
                "xdg:schema": DOCKER_SCHEMA,
                "label": "Docker Credentials",
                "server": server,
                "username": username,
                "docker_cli": "1",
            }
            collection.create_item(server, attributes, secret.encode(), replace=False)
            count += 1
    return count


def count_items() -> int:
    with secretstorage.dbus_init() as connection:
        collection = secretstorage.get_default_collection(connection)
        return sum(1 for _ in collection.get_all_items())
