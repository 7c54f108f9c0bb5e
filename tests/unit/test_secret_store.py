"""The keyring wrapper's refusals and messages, against the real Secret Service."""

from __future__ import annotations

import argparse

import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from dtr_desktop.cli.common import run_handler
from dtr_desktop.secret_store import KeyringSecretStore, NoUsableKeyring
from dtr_desktop.secret_store.keyring_store import _translate
from dtr_desktop.services import Services


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()]
)
def test_fail_and_null_backends_are_refused(backend: object) -> None:
    store = KeyringSecretStore(backend=backend)  # type: ignore[arg-type]

    with pytest.raises(NoUsableKeyring) as caught:
        store.get("any-id")

    assert "No secure system keyring" in str(caught.value)
    assert "gnome-keyring" in str(caught.value)


def test_the_real_secret_service_round_trip() -> None:
    store = KeyringSecretStore()

    store.set("an-id", "p:ä")
    assert store.get("an-id") == "p:ä"
    store.delete("an-id")
    store.delete("an-id")  # a missing secret is not an error
    assert store.get("an-id") is None
    assert store.check().endswith("SecretService.Keyring")


def test_only_writes_say_nothing_was_saved() -> None:
    locked = keyring.errors.KeyringLocked("locked")

    assert "Nothing was saved" in str(_translate(locked, "store"))
    assert "Nothing was saved" not in str(_translate(locked, "read"))
    assert "is locked" in str(_translate(locked, "read"))


def test_a_keyring_that_cannot_load_says_where_to_look() -> None:
    message = str(_translate(ModuleNotFoundError("no.such"), "reach"))

    assert "could not be loaded (ModuleNotFoundError)" in message
    assert "PYTHON_KEYRING_BACKEND" in message


def test_an_unexpected_fault_is_one_line_and_logged(
    services: Services, capsys: pytest.CaptureFixture[str], data_dir: object
) -> None:
    def broken(_args: argparse.Namespace, _services: Services) -> int:
        raise RuntimeError("a fault of ours")

    args = argparse.Namespace(
        data_dir=None, verbose=False, skip_policy=True, handler=broken
    )
    code = run_handler(broken, args)

    err = capsys.readouterr().err
    assert code == 1
    assert "an unexpected error stopped the command (RuntimeError)" in err
    assert "Traceback" not in err
