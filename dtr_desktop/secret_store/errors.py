"""What can go wrong with the OS keyring, said so a person can fix it."""

from __future__ import annotations

from dtr_desktop.domain.errors import DtrDesktopError

HOW_TO_GET_ONE = (
    "dtr-desktop keeps passwords only in the system keyring (Secret Service on "
    "Linux, Keychain on macOS, Credential Manager on Windows). On Linux, install "
    "and start gnome-keyring or KWallet and log in to a desktop session that "
    "unlocks it."
)


class SecretStoreError(DtrDesktopError):
    """Base of the keyring errors."""


class NoUsableKeyring(SecretStoreError):
    def __init__(self, found: str) -> None:
        self.found = found
        super().__init__(
            f"No secure system keyring is available (found: {found}), so "
            f"dtr-desktop keeps no passwords on this machine. {HOW_TO_GET_ONE}"
        )


WRITES = ("store", "delete")


def _consequence(verb: str) -> str:
    """What the failed call left behind: writes say nothing changed."""
    return " Nothing was saved." if verb in WRITES else ""


class KeyringLocked(SecretStoreError):
    def __init__(self, verb: str = "store") -> None:
        super().__init__(
            "The system keyring is locked. Unlock it (log in to your desktop "
            "session or open your keyring manager) and try again." + _consequence(verb)
        )


class KeyringTimeout(SecretStoreError):
    def __init__(self, seconds: float, verb: str = "store") -> None:
        self.seconds = seconds
        super().__init__(
            f"The system keyring did not answer within {seconds:g} seconds; it may "
            "be waiting for you to unlock it." + _consequence(verb)
        )


class KeyringFailed(SecretStoreError):
    def __init__(self, action: str, kind: str) -> None:
        if action == "reach":
            text = (
                f"The system keyring could not be loaded ({kind}). Check the "
                "PYTHON_KEYRING_BACKEND variable and keyring's keyringrc.cfg. "
                + HOW_TO_GET_ONE
            )
        else:
            text = (
                f"The system keyring refused to {action} the password ({kind})."
                + _consequence(action)
            )
        super().__init__(text)
