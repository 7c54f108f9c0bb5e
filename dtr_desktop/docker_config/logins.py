"""The logins a docker or containers credentials file holds, entry by entry.

Docker looks a registry up in ``credHelpers`` first, then in the
``credsStore`` helper, then in the file's own ``auths``. An import reads all
three. An entry that cannot be read becomes a ``FoundLogin`` with a
``problem`` saying why, so one bad entry never hides the good ones and is
never imported half right.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dtr_desktop.docker_config.errors import DockerConfigError
from dtr_desktop.docker_config.files import read_config
from dtr_desktop.docker_config.helper_client import (
    DEFAULT_TIMEOUT,
    helper_get,
    helper_list,
)
from dtr_desktop.docker_config.locations import CredentialFile, FileKind
from dtr_desktop.docker_config.protocol import IDENTITY_TOKEN_USERNAME, OUR_HELPER
from dtr_desktop.domain.validation import registry_host_key

WHOLE_FILE = "(whole file)"


@dataclass(frozen=True, slots=True)
class FoundLogin:
    """One registry login found in a file or through the file's helpers.

    ``plaintext`` is true when the file itself holds the secret (an
    ``auth`` or ``identitytoken`` value) rather than a helper.
    """

    source: Path
    kind: FileKind
    server: str
    origin: str
    username: str = ""
    secret: str = field(default="", repr=False)
    plaintext: bool = False
    problem: str | None = None

    @property
    def host_key(self) -> str:
        """The registry's host[:port]; empty when the server key is unusable."""
        try:
            return registry_host_key(self.server)
        except ValueError:
            return ""


def decode_auth(value: object) -> tuple[str, str]:
    """Split a base64 ``auth`` value into user name and password.

    The password may itself hold colons, so only the first one separates.
    ``ValueError`` says what is wrong, for the preview.
    """
    if not isinstance(value, str):
        raise ValueError("the 'auth' value is not a string")
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the 'auth' value is not valid base64") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the decoded 'auth' value is not UTF-8 text") from None
    username, colon, password = text.partition(":")
    if not colon:
        raise ValueError(
            "the decoded 'auth' value has no ':' between user name and password"
        )
    return username, password


def encode_auth(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def read_logins(
    file: CredentialFile, timeout: float = DEFAULT_TIMEOUT
) -> list[FoundLogin]:
    """Every login ``file`` leads to; an unreadable file is one problem entry."""
    try:
        config = read_config(file.path)
    except DockerConfigError as error:
        return [_problem(file, WHOLE_FILE, "file", str(error))]
    if config is None:
        return []
    found = _from_auths(file, config)
    helpers = _section(config, "credHelpers")
    if helpers is None:
        found.append(
            _problem(file, WHOLE_FILE, "credHelpers", "'credHelpers' is not an object")
        )
        helpers = {}
    found += _from_cred_helpers(file, helpers, timeout)
    store = config.get("credsStore")
    if store and store != OUR_HELPER:
        covered = {login.host_key for login in found if not login.plaintext}
        found += _from_creds_store(file, str(store), covered, timeout)
    return found


def _section(config: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = config.get(key, {})
    return value if isinstance(value, dict) else None


def _problem(file: CredentialFile, server: str, origin: str, why: str) -> FoundLogin:
    return FoundLogin(file.path, file.kind, server, origin, problem=why)


def _from_auths(file: CredentialFile, config: dict[str, Any]) -> list[FoundLogin]:
    auths = _section(config, "auths")
    if auths is None:
        return [_problem(file, WHOLE_FILE, "auths", "'auths' is not an object")]
    found = []
    for server, entry in auths.items():
        login = _auth_entry(file, server, entry)
        if login is not None:
            found.append(login)
    return found


def _auth_entry(file: CredentialFile, server: str, entry: object) -> FoundLogin | None:
    """The login an ``auths`` entry holds; ``None`` when a helper holds it."""
    if not isinstance(entry, dict):
        return _problem(file, server, "auth", "the entry is not an object")
    token = entry.get("identitytoken")
    if token:
        if not isinstance(token, str):
            return _problem(
                file, server, "identitytoken", "'identitytoken' is not a string"
            )
        return FoundLogin(
            file.path,
            file.kind,
            server,
            "identitytoken",
            username=IDENTITY_TOKEN_USERNAME,
            secret=token,
            plaintext=True,
        )
    if not entry.get("auth"):
        return None
    try:
        username, password = decode_auth(entry["auth"])
    except ValueError as error:
        return _problem(file, server, "auth", str(error))
    return FoundLogin(
        file.path,
        file.kind,
        server,
        "auth",
        username=username,
        secret=password,
        plaintext=True,
    )


def _from_cred_helpers(
    file: CredentialFile, helpers: dict[str, Any], timeout: float
) -> list[FoundLogin]:
    found = []
    for server, helper in helpers.items():
        if helper == OUR_HELPER:
            continue
        if not isinstance(helper, str) or not helper:
            found.append(
                _problem(file, server, "credHelpers", "the helper name is not a string")
            )
            continue
        found.append(
            _ask_helper(file, server, helper, f"credHelpers: {helper}", timeout)
        )
    return found


def _from_creds_store(
    file: CredentialFile, store: str, covered: set[str], timeout: float
) -> list[FoundLogin]:
    origin = f"credsStore: {store}"
    try:
        servers = helper_list(store, timeout)
    except DockerConfigError as error:
        return [_problem(file, WHOLE_FILE, origin, str(error))]
    found = []
    for server in servers:
        login = _ask_helper(file, server, store, origin, timeout)
        if login.host_key not in covered:
            found.append(login)
    return found


def _ask_helper(
    file: CredentialFile, server: str, helper: str, origin: str, timeout: float
) -> FoundLogin:
    try:
        answer = helper_get(helper, server, timeout)
    except DockerConfigError as error:
        return _problem(file, server, origin, str(error))
    if answer is None:
        return _problem(
            file, server, origin, f"the helper {helper!r} holds no login for it"
        )
    return FoundLogin(
        file.path,
        file.kind,
        server,
        origin,
        username=answer.username,
        secret=answer.secret,
    )
