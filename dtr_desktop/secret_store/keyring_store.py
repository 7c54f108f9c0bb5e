"""The keyring wrapper: refuses insecure backends and never waits forever.

A locked keyring with a display can block on an unlock prompt, so every call
runs in a worker thread with a time limit. Passwords are keyed by the
integration id, which never changes when an integration is renamed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from dtr_desktop.secret_store import secret_service
from dtr_desktop.secret_store.errors import (
    KeyringFailed,
    KeyringLocked,
    KeyringTimeout,
    NoUsableKeyring,
)

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE_NAME = "dtr-desktop"
DEFAULT_TIMEOUT = 10.0

_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
_T = TypeVar("_T")


class SecretStore(Protocol):
    """What the services need of a secret store."""

    def get(self, integration_id: str) -> str | None: ...

    def get_many(self, integration_ids: Sequence[str]) -> dict[str, str | None]: ...

    def set(self, integration_id: str, secret: str) -> None: ...

    def delete(self, integration_id: str) -> None: ...


def describe(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_refused(backend: object) -> bool:
    """Fail, null and plaintext (keyrings.alt) backends keep no secret safely."""
    return describe(backend).startswith(_REFUSED_MODULES)


def choose_backend(backend: KeyringBackend) -> KeyringBackend:
    """The first secure backend, looking inside a chainer; else NoUsableKeyring."""
    candidates: list[KeyringBackend] = list(
        getattr(backend, "backends", None) or [backend]
    )
    for candidate in candidates:
        if not is_refused(candidate):
            return candidate
    raise NoUsableKeyring(", ".join(describe(c) for c in candidates) or "none")


def default_backend() -> KeyringBackend:
    import keyring

    backend: KeyringBackend = keyring.get_keyring()
    return choose_backend(backend)


class KeyringSecretStore:
    """The OS keyring behind the ``SecretStore`` protocol."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        service: str = SERVICE_NAME,
    ) -> None:
        self._backend = backend
        self._keyring_chooses = backend is None
        self._timeout = timeout
        self._service = service
        self._lock = threading.Lock()

    @property
    def backend(self) -> KeyringBackend:
        with self._lock:
            if self._backend is None:
                self._backend = self._call(default_backend, "reach")
            else:
                self._backend = choose_backend(self._backend)
            return self._backend

    def check(self) -> str:
        """Raise unless a secure keyring answers; return its name."""
        backend = self.backend
        self._call(lambda: backend.get_password(self._service, "probe"), "read")
        return describe(backend)

    def check_at_start(self, data_dir: Path) -> None:
        """``check``, without loading keyring when the Secret Service answers.

        keyring's discovery imports every backend, with secretstorage and
        cryptography: ~11 MB of the window's memory for a yes. When keyring
        is known to pick the Secret Service here (see ``_picks_secret_service``)
        and the service answers a search in its unlocked default collection,
        keyring works and nothing is loaded. Otherwise ``check`` runs, with
        its errors, and a Secret Service choice is recorded for next time.
        """
        from dtr_desktop.docker_config import fast_secret

        if self._keyring_chooses and _picks_secret_service(data_dir):
            try:
                fast_secret.read_secret(self._service, "probe")
                return
            except fast_secret.NeedsKeyring as reason:
                log.info("keyring checked through keyring: %s", reason)
        backend = self.check()
        if self._keyring_chooses:
            fast_secret.record_choice(data_dir, backend)

    def get(self, integration_id: str) -> str | None:
        backend = self.backend
        return self._call(
            lambda: backend.get_password(self._service, integration_id), "read"
        )

    def get_many(self, integration_ids: Sequence[str]) -> dict[str, str | None]:
        """The secrets of several integrations; ``None`` for those without one.

        With the Secret Service they are read over one connection and one
        session (see ``secret_service``); other backends are asked one by one.
        """
        wanted = list(dict.fromkeys(integration_ids))
        backend = self.backend
        if not wanted:
            return {}
        if describe(backend) != secret_service.BACKEND:
            return {
                integration_id: self.get(integration_id) for integration_id in wanted
            }
        return self._call(
            lambda: secret_service.read_many(backend, self._service, wanted), "read"
        )

    def get_for_command(self, integration_id: str, data_dir: Path) -> str | None:
        """``get`` for a one-shot command, without keyring's backend discovery.

        When keyring was seen choosing the Secret Service for this data dir
        (the record the credential helper keeps), the secret is read straight
        over D-Bus as the helper reads it; otherwise, or when that read is
        unsure, keyring answers, and its choice is recorded for next time.
        """
        from dtr_desktop.docker_config import fast_secret

        if not self._keyring_chooses:
            return self.get(integration_id)
        if fast_secret.quick_read_allowed(data_dir):
            try:
                return fast_secret.read_secret(self._service, integration_id)
            except fast_secret.NeedsKeyring as reason:
                log.info("secret read through keyring: %s", reason)
        secret = self.get(integration_id)
        fast_secret.record_choice(data_dir, describe(self.backend))
        return secret

    def set(self, integration_id: str, secret: str) -> None:
        backend = self.backend
        self._call(
            lambda: backend.set_password(self._service, integration_id, secret), "store"
        )
        log.info("stored the secret of integration %s", integration_id)

    def delete(self, integration_id: str) -> None:
        """Delete a secret; a secret that is not there is not an error."""
        from keyring.errors import PasswordDeleteError

        backend = self.backend

        def remove() -> None:
            try:
                backend.delete_password(self._service, integration_id)
            except PasswordDeleteError:
                log.info("no secret to delete for integration %s", integration_id)

        self._call(remove, "delete")

    def _call(self, action: Callable[[], _T], verb: str) -> _T:
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                outcome["value"] = action()
            except BaseException as error:  # handed to the calling thread
                outcome["error"] = error

        worker = threading.Thread(target=run, name=f"keyring-{verb}", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if worker.is_alive():
            raise KeyringTimeout(self._timeout, verb)
        if "error" in outcome:
            raise _translate(outcome["error"], verb)
        return outcome.get("value")  # type: ignore[return-value]


def _picks_secret_service(data_dir: Path) -> bool:
    """Whether keyring would choose the Secret Service in this environment.

    Known when it was seen choosing it (the record the credential helper
    keeps). Else: on Linux, with no keyring configuration or KDE (see
    ``fast_secret``), secretstorage installed and no backend but keyring's
    own registered, the Secret Service has the highest priority of the
    backends that can work; the fail, null and plaintext ones rank lower.
    """
    import importlib.util

    from dtr_desktop.docker_config import fast_secret

    if fast_secret.quick_read_allowed(data_dir):
        return True
    if not sys.platform.startswith("linux") or _keyring_configured():
        return False
    if importlib.util.find_spec("secretstorage") is None:
        return False
    return not _other_backends_installed()


def _other_backends_installed() -> bool:
    """Whether a package other than keyring registers a keyring backend.

    Read from the installed packages' ``entry_points.txt`` directly:
    ``importlib.metadata`` loads 66 modules (~4.4 MB) to answer the same.
    """
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")) and _registers_backend(
                os.path.join(folder or ".", name)
            ):
                return True
    return False


def _registers_backend(package: str) -> bool:
    if os.path.basename(package).split("-")[0].lower() == "keyring":
        return False
    try:
        with open(os.path.join(package, "entry_points.txt"), encoding="utf-8") as file:
            return "[keyring.backends]" in file.read()
    except OSError:
        return False


def _keyring_configured() -> bool:
    """keyring's settings, or a KDE desktop, could make it choose otherwise."""
    from dtr_desktop.docker_config import fast_secret

    if "KDE" in os.environ.get("XDG_CURRENT_DESKTOP", "").split(":"):
        return True
    if any(
        name == "PYTHON_KEYRING_BACKEND" or name.startswith("KEYRING_PROPERTY_")
        for name in os.environ
    ):
        return True
    return os.path.exists(fast_secret.keyring_config_file())


def _translate(error: object, verb: str) -> BaseException:
    from keyring.errors import KeyringLocked as Locked
    from keyring.errors import NoKeyringError

    if isinstance(error, (NoUsableKeyring, KeyringTimeout)):
        return error
    if isinstance(error, Locked):
        return KeyringLocked(verb)
    if isinstance(error, NoKeyringError):
        return NoUsableKeyring("keyring.backends.fail.Keyring")
    # The type only: a backend's message could echo what it was given.
    return KeyringFailed(verb, type(error).__name__)
