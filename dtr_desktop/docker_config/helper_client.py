"""Asking another credential helper (``credsStore``, ``credHelpers``) for logins.

The server address goes on the helper's stdin and the secret comes back on
its stdout; neither ever appears in a command line, where other users of
the machine could read it. Every call has a time limit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field

from dtr_desktop.docker_config.errors import CredentialHelperError
from dtr_desktop.docker_config.protocol import HELPER_PREFIX, NOT_FOUND
from dtr_desktop.docker_config.protocol import field as protocol_field

DEFAULT_TIMEOUT = 10.0
MAX_MESSAGE = 200


@dataclass(frozen=True, slots=True)
class HelperCredentials:
    """What a helper answered to ``get``."""

    server_url: str
    username: str
    secret: str = field(repr=False)


class HelperFailed(CredentialHelperError):
    """The helper ran and exited with an error; ``message`` is what it printed."""

    def __init__(self, helper: str, action: str, message: str) -> None:
        self.message = message
        shown = message[:MAX_MESSAGE] or "no message"
        super().__init__(helper, f"{action} failed: {shown}")


def helper_program(helper: str) -> str | None:
    """The full path of ``docker-credential-<helper>`` on PATH, if installed."""
    return shutil.which(HELPER_PREFIX + helper)


def run_helper(
    helper: str, action: str, stdin: str = "", timeout: float = DEFAULT_TIMEOUT
) -> str:
    """Run one action of a helper and return its stdout; raise when it fails."""
    program = helper_program(helper)
    if program is None:
        raise CredentialHelperError(
            helper,
            f"the program {HELPER_PREFIX}{helper} is not installed or not on PATH.",
        )
    try:
        completed = subprocess.run(
            [program, action],
            input=stdin.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CredentialHelperError(
            helper, f"did not answer {action!r} within {timeout:g} seconds."
        ) from None
    except OSError as error:
        raise CredentialHelperError(
            helper, f"could not be started ({error.strerror})."
        ) from None
    output = completed.stdout.decode("utf-8", errors="replace")
    if completed.returncode != 0:
        message = output.strip() or completed.stderr.decode("utf-8", "replace").strip()
        raise HelperFailed(helper, action, message.splitlines()[0] if message else "")
    return output


def helper_get(
    helper: str, server: str, timeout: float = DEFAULT_TIMEOUT
) -> HelperCredentials | None:
    """The helper's login for ``server``; ``None`` when it has none."""
    try:
        output = run_helper(helper, "get", server, timeout)
    except HelperFailed as error:
        if error.message == NOT_FOUND:
            return None
        raise
    payload = _json_object(helper, "get", output)
    return HelperCredentials(
        server_url=protocol_field(payload, "ServerURL") or server,
        username=protocol_field(payload, "Username"),
        secret=protocol_field(payload, "Secret"),
    )


def helper_list(helper: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, str]:
    """Server → user name for every login the helper holds."""
    payload = _json_object(helper, "list", run_helper(helper, "list", "", timeout))
    return {
        str(server): user if isinstance(user, str) else ""
        for server, user in payload.items()
    }


def _json_object(helper: str, action: str, output: str) -> dict[str, object]:
    try:
        value = json.loads(output)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        # The output may hold a secret: say only that it was not JSON.
        raise CredentialHelperError(
            helper, f"answered {action!r} with something not JSON."
        )
    return value
