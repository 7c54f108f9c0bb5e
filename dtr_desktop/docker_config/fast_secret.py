"""A quick read of one dtr-desktop secret from the Secret Service, for the helper.

Docker runs the credential helper before every pull, so the helper cannot
afford keyring's discovery of backends (importing every backend module and
scanning installed packages takes longer than the rest of the lookup). When
it is safe, this module reads the secret straight over D-Bus, asking
exactly what keyring's Secret Service backend asks: the default
collection, items whose ``service`` and ``username`` attributes match.

"Safe" means keyring itself chose the Secret Service backend in this same
environment, recorded in a small file next to the database together with a
fingerprint of what could change that choice (installed packages, keyring's
configuration, the variables keyring reads). Anything unusual — another
backend, a locked collection or item, a missing default collection, a D-Bus
error — is answered by ``NeedsKeyring``, and the caller goes through keyring.
"""

from __future__ import annotations

import os
import sys

from dtr_desktop.docker_config.protocol import go_string

TYPE_CHECKING = False  # as typing.TYPE_CHECKING; importing typing costs ~4 ms
if TYPE_CHECKING:
    from os import PathLike

    from dtr_desktop.docker_config.dbus_wire import BusConnection

CHOICE_FILE = "credential-helper-keyring.json"
# The keyring service the app stores its secrets under, as
# dtr_desktop.secret_store.keyring_store.SERVICE_NAME (not imported: that
# module loads logging and threading; a test checks the two agree).
SERVICE_NAME = "dtr-desktop"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
DBUS_TIMEOUT = 5.0

_SECRETS = "org.freedesktop.secrets"
_PREFIX = "org.freedesktop.Secret."
_SERVICE_PATH = "/org/freedesktop/secrets"
_DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
_PROPERTIES = "org.freedesktop.DBus.Properties"
_COLLECTION = _PREFIX + "Collection"
_SERVICE = _PREFIX + "Service"
_LOCKED = (_COLLECTION, "Locked")
_SEARCH = _COLLECTION + ".SearchItems"
_GET_SECRETS = _SERVICE + ".GetSecrets"
_PLAIN = ("plain", ("s", ""))


class NeedsKeyring(Exception):
    """The quick read does not apply here; ask keyring instead."""


def keyring_config_file() -> str:
    """keyring's own configuration file on Linux (``keyringrc.cfg``).

    Paths here are plain strings: ``pathlib`` would load ``fnmatch``,
    ``urllib.parse`` and ``ipaddress`` into every ``get``.
    """
    root = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(root, "python_keyring", "keyringrc.cfg")


def fingerprint() -> list[str]:
    """What keyring's choice of backend depends on, cheaply observed."""
    parts = [sys.version, _program()]
    parts += [f"{name}={os.environ[name]}" for name in sorted(_keyring_variables())]
    parts.append(_stamp(keyring_config_file()))
    # sys.path[0] is the program's own folder (or the working folder for
    # ``python -c``); no packages are installed there, and it differs
    # between the ways the helper can be started.
    parts += [_stamp(entry or ".") for entry in sys.path[1:]]
    return parts


def _program() -> str:
    """The installation that runs keyring: the interpreter, or a frozen bundle.

    The programs of one bundle (the app and its helper) share the modules
    that choose keyring's backend, and a helper holding only the quick paths
    hands its keyring reads to the app: they must record and find the same
    fingerprint. The bundle's folder and its stamp stand for all of them.
    """
    if getattr(sys, "frozen", False):
        folder = os.path.dirname(os.path.realpath(sys.executable))
        return _stamp(folder)
    return os.path.realpath(sys.executable)


def _keyring_variables() -> list[str]:
    watched = ("PYTHON_KEYRING_BACKEND", "XDG_CURRENT_DESKTOP")
    return [
        name
        for name in os.environ
        if name in watched or name.startswith("KEYRING_PROPERTY_")
    ]


def _stamp(path: str) -> str:
    try:
        return f"{path}:{os.stat(path).st_mtime_ns}"
    except OSError:
        return f"{path}:absent"


def quick_read_allowed(data_dir: str | PathLike[str]) -> bool:
    """Whether keyring was seen choosing the plain Secret Service backend here.

    The file must hold exactly what ``record_choice`` would write now: the
    comparison needs no JSON parser (``json`` loads ``re``, ~4 ms of every
    ``get``), and any difference, an older format included, means asking
    keyring once more, which writes the file again.
    """
    if not sys.platform.startswith("linux") or _environment_customised():
        return False
    expected = _choice_text(SECRET_SERVICE_BACKEND)
    try:
        with open(os.path.join(data_dir, CHOICE_FILE), encoding="utf-8") as file:
            recorded = file.read(len(expected) + 1)
    except (OSError, ValueError):
        return False
    return recorded == expected


def _environment_customised() -> bool:
    """Settings that make keyring read elsewhere than the default collection."""
    desktops = os.environ.get("XDG_CURRENT_DESKTOP", "").split(":")
    return (
        "KDE" in desktops
        or any(_keyring_variables_set())
        or os.path.exists(keyring_config_file())
    )


def _keyring_variables_set() -> list[str]:
    return [name for name in _keyring_variables() if name != "XDG_CURRENT_DESKTOP"]


def _choice_text(backend: str) -> str:
    """The record of keyring's choice here: a JSON object, one line."""
    parts = ", ".join(go_string(part) for part in fingerprint())
    return f'{{"backend": {go_string(backend)}, "fingerprint": [{parts}]}}\n'


def record_choice(data_dir: str | PathLike[str], backend: str) -> None:
    """Remember keyring's choice; a failure only means the next call is slower.

    A path that is not valid Unicode cannot be written: no record then.
    """
    try:
        record = _choice_text(backend).encode("utf-8")
    except UnicodeError:
        return
    try:
        os.makedirs(data_dir, mode=0o700, exist_ok=True)
        temporary = os.path.join(data_dir, f".{CHOICE_FILE}.{os.getpid()}")
        with open(temporary, "wb") as file:
            file.write(record)
        os.replace(temporary, os.path.join(data_dir, CHOICE_FILE))
    except OSError:
        return


def read_secret(service: str, username: str) -> str | None:
    """The secret keyring stores for (service, username), or ``None``.

    Raises ``NeedsKeyring`` whenever keyring might answer differently, for
    example when it would have to prompt to unlock the collection.
    """
    from dtr_desktop.docker_config.dbus_wire import BusConnection

    try:
        with BusConnection(DBUS_TIMEOUT) as connection:
            return _read(connection, service, username)
    except NeedsKeyring:
        raise
    except Exception as error:  # no bus, D-Bus errors of every kind
        raise NeedsKeyring(type(error).__name__) from None


def _read(connection: BusConnection, service: str, username: str) -> str | None:
    """keyring's lookup: the default collection's items with these attributes.

    One call at a time, as keyring and libsecret make them: gnome-keyring
    handles several calls in flight from a new caller on two threads and,
    with other clients about, has been seen to fail them or crash. For the
    same reason the first call is a method, not a property read: when
    gnome-keyring has not yet registered a new caller, a method fails
    (and the helper asks keyring) where a property read aborts the daemon.
    ``GetSecrets`` leaves out the secrets of locked items, so a missing
    answer means keyring would have to unlock (and perhaps prompt):
    ``NeedsKeyring``. The session is not closed with a call of its own: the
    service ends it with the connection, as it does for keyring (whose
    secretstorage never closes one), and each round trip to a daemon that
    shares a busy machine costs several milliseconds.
    """
    from dtr_desktop.docker_config.dbus_wire import Call

    query = {"username": username, "service": service}
    (paths,) = connection.call(
        Call(_SECRETS, _DEFAULT_COLLECTION, _SEARCH, "a{ss}", (query,))
    )
    (locked,) = connection.call(
        Call(_SECRETS, _DEFAULT_COLLECTION, _PROPERTIES + ".Get", "ss", _LOCKED)
    )
    if locked != 0:  # False, as D-Bus booleans are read as numbers
        raise NeedsKeyring("locked")
    if not isinstance(paths, list):
        raise NeedsKeyring("an unexpected reply")
    if not paths:
        return None
    (_, session) = connection.call(
        Call(_SECRETS, _SERVICE_PATH, _SERVICE + ".OpenSession", "sv", _PLAIN)
    )
    (secrets,) = connection.call(
        Call(_SECRETS, _SERVICE_PATH, _GET_SECRETS, "aoo", ([paths[0]], session))
    )
    return _secret_value(secrets, paths[0])


def _secret_value(secrets: object, path: object) -> str:
    """The value of ``path``'s (session, parameters, value, type) secret."""
    if not isinstance(secrets, dict) or path not in secrets:
        raise NeedsKeyring("locked")
    _, _, value, _ = secrets[path]
    return bytes(value).decode("utf-8")
