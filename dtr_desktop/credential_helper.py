"""``docker-credential-dtr-desktop``: docker, podman and skopeo ask the app.

A docker credential helper (the docker-credential-helpers protocol): one
action argument, input on stdin, answer on stdout; a failure is a message on
stdout and exit status 1, and a registry without a login answers exactly
``credentials not found in native keychain``.

Docker runs ``get`` before every pull and push, so ``get`` and ``list`` stay
small: the database is read with the stdlib ``sqlite3`` module (read-only),
the secret straight from the Secret Service when keyring was seen to use it
(see ``docker_config.fast_secret``), and neither Qt nor the SQLAlchemy ORM
is imported. ``store`` and ``erase`` go through the services like the
window does.

A build may give its helper only the quick paths (the Linux package does,
so that starting it costs little): it passes ``full_program``, a command
that runs this helper with everything, and ``store``, ``erase`` and a ``get``
that needs keyring are handed to that command with the same input.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from dtr_desktop.docker_config.protocol import (
    ACTIONS,
    MISSING_SERVER_URL,
    MISSING_USERNAME,
    NOT_FOUND,
    credentials_json,
    go_json,
)
from dtr_desktop.domain.errors import DtrDesktopError, ValidationError

# As typing.TYPE_CHECKING: ``typing`` and ``pathlib`` cost ~3 ms each, so
# the get and list paths use neither.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from dtr_desktop.services import Services

PROGRAM = "docker-credential-dtr-desktop"
APP_NAME = "dtr-desktop"  # as dtr_desktop.paths.APP_NAME
DATA_DIR_ENV = "DTR_DESKTOP_DATA_DIR"  # as dtr_desktop.paths.DATA_DIR_ENV
USAGE = f"Usage: {PROGRAM} <{'|'.join(ACTIONS)}>"
EXIT_OK = 0
EXIT_FAILED = 1


def main(
    argv: Sequence[str] | None = None, full_program: Sequence[str] | None = None
) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        return _fail(USAGE)
    handler = _HANDLERS.get(args[0])
    if handler is None:
        return _fail(f"Unknown credential action `{args[0]}`")
    try:
        if full_program is not None and args[0] in _HANDED_OVER:
            return _hand_over(full_program, args[0], sys.stdin.buffer.read())
        if handler is get:
            return get(full_program)
        return handler()
    except ValidationError as error:
        return _fail("; ".join(error.field_errors.values()))
    except DtrDesktopError as error:
        return _fail(str(error))
    except Exception as error:  # the caller gets a message, never a traceback
        return _fail(
            f"dtr-desktop could not {args[0]} the login ({type(error).__name__})"
        )


def _fail(message: str) -> int:
    sys.stdout.write(message + "\n")
    return EXIT_FAILED


def _read_stdin() -> str:
    return sys.stdin.buffer.read().decode("utf-8")


def _read_server() -> str:
    return _server_in(_read_stdin())


def _server_in(text: str) -> str:
    """The server URL as docker's own helpers read it: lines joined, trimmed."""
    lines = text.split("\n")
    return "".join(line.removesuffix("\r") for line in lines).strip()


def _hand_over(full_program: Sequence[str], action: str, given: bytes) -> int:
    """Run ``action`` in the full helper with the same input; its answer is ours."""
    import subprocess

    sys.stdout.flush()
    return subprocess.run([*full_program, action], input=given, check=False).returncode


def _data_dir() -> Path:
    """``dtr_desktop.paths.data_dir()``, without the logging it imports.

    Importing ``paths`` loads ``logging.handlers``, a good part of ``get``'s
    start-up; a test checks the two agree.
    """
    from pathlib import Path

    return Path(_data_dir_text())


def _data_dir_text() -> str:
    """``_data_dir()`` as a string, for the paths that skip ``pathlib``."""
    chosen = os.environ.get(DATA_DIR_ENV)
    if chosen:
        return os.path.realpath(os.path.expanduser(chosen))
    import platformdirs

    return platformdirs.user_data_dir(APP_NAME, appauthor=False)


def _host(server: str) -> str | None:
    from dtr_desktop.domain.validation import registry_host_key

    try:
        return registry_host_key(server) or None
    except ValueError:
        return None


# ------------------------------------------------------------ quick path


def get(full_program: Sequence[str] | None = None) -> int:
    from dtr_desktop.docker_config import fast_secret
    from dtr_desktop.docker_config.store_lookup import login_for_host

    given = _read_stdin()
    server = _server_in(given)
    if not server:
        return _fail(MISSING_SERVER_URL)
    host = _host(server)
    data = _data_dir_text()
    login = login_for_host(data, host) if host else None
    if login is None or not login.username:
        return _fail(NOT_FOUND)
    try:
        secret = _quick_secret(data, login.integration_id)
    except fast_secret.NeedsKeyring:
        if full_program is not None:
            return _hand_over(full_program, "get", given.encode("utf-8"))
        secret = _keyring_secret(data, login.integration_id)
    if not secret:
        return _fail(NOT_FOUND)
    sys.stdout.write(credentials_json(server, login.username, secret))
    return EXIT_OK


def list_logins() -> int:
    from dtr_desktop.docker_config.store_lookup import usernames_by_server

    found = usernames_by_server(_data_dir_text())
    sys.stdout.write(go_json(dict(sorted(found.items()))))
    return EXIT_OK


def version() -> int:
    from dtr_desktop import __version__

    sys.stdout.write(__version__ + "\n")
    return EXIT_OK


def _quick_secret(data: str, integration_id: str) -> str | None:
    """The secret read straight from D-Bus; ``NeedsKeyring`` when that is unsafe."""
    from dtr_desktop.docker_config import fast_secret

    if not fast_secret.quick_read_allowed(data):
        raise fast_secret.NeedsKeyring("keyring's choice is not known here")
    return fast_secret.read_secret(fast_secret.SERVICE_NAME, integration_id)


def _keyring_secret(data: str, integration_id: str) -> str | None:
    from dtr_desktop.docker_config.fast_secret import record_choice
    from dtr_desktop.secret_store import KeyringSecretStore
    from dtr_desktop.secret_store.keyring_store import describe

    store = KeyringSecretStore()
    record_choice(data, describe(store.backend))
    return store.get(integration_id)


# ------------------------------------------------------------ slow path


def _open_services(data: Path) -> Services:
    from dtr_desktop import paths
    from dtr_desktop.services import Services

    overridden = bool(os.environ.get(paths.DATA_DIR_ENV))
    paths.setup_logging(paths.log_dir(data, overridden))
    return Services(data)


def store() -> int:
    import json

    from dtr_desktop.docker_config.protocol import field
    from dtr_desktop.services.docker_interop import DockerInteropService

    try:
        payload = json.loads(_read_stdin())
    except ValueError:
        return _fail("the credentials on standard input are not valid JSON")
    if not isinstance(payload, dict):
        return _fail("the credentials on standard input are not a JSON object")
    server = field(payload, "ServerURL")
    username = field(payload, "Username")
    if not server:
        return _fail(MISSING_SERVER_URL)
    if not username:
        return _fail(MISSING_USERNAME)
    services = _open_services(_data_dir())
    try:
        DockerInteropService(services).store_login(
            server, username, field(payload, "Secret")
        )
    finally:
        services.close()
    return EXIT_OK


def erase() -> int:
    from dtr_desktop.docker_config.store_lookup import login_for_host
    from dtr_desktop.services.docker_interop import DockerInteropService

    server = _read_server()
    if not server:
        return _fail(MISSING_SERVER_URL)
    host = _host(server)
    data = _data_dir()
    if host is None or login_for_host(data, host) is None:
        return EXIT_OK
    services = _open_services(data)
    try:
        DockerInteropService(services).erase_login(server)
    finally:
        services.close()
    return EXIT_OK


# What a helper holding only the quick paths hands to the full one.
_HANDED_OVER = ("store", "erase")

_HANDLERS: dict[str, Callable[[], int]] = {
    "get": get,
    "list": list_logins,
    "store": store,
    "erase": erase,
    "version": version,
}
