"""``dtr-desktop selftest``: proves an installed copy works, for installers and CI.

It opens the main window offscreen-capable, creates a database in a
throwaway data dir, and stores, reads and deletes a secret in the real
system keyring under a service name of its own, so the user's data and
passwords are never touched. Exit 0 means every step passed.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_ERROR, EXIT_OK
from dtr_desktop.domain.errors import DtrDesktopError

if TYPE_CHECKING:
    from dtr_desktop.services import Services

SELFTEST_SERVICE = "dtr-desktop-selftest"
EXIT_NO_WINDOW = 3


class WindowMissing(Exception):
    """The window package is not there (a build without it)."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "selftest", help="check this installation: window, database and keyring"
    )
    parser.add_argument(
        "--no-window", action="store_true", help="skip the window (no display)"
    )
    parser.set_defaults(handler=selftest, skip_policy=True)


def selftest(args: argparse.Namespace, services: Services) -> int:
    with tempfile.TemporaryDirectory(prefix="dtr-desktop-selftest-") as scratch:
        data = Path(scratch) / "data"
        steps: list[tuple[str, Callable[[], str]]] = [
            ("database", lambda: check_database(data)),
            ("keyring", check_keyring),
        ]
        if not args.no_window:
            steps.append(("window", lambda: check_window(data)))
        return _run_steps(steps)


def _run_steps(steps: list[tuple[str, Callable[[], str]]]) -> int:
    status = EXIT_OK
    for name, step in steps:
        try:
            detail = step()
        except WindowMissing as missing:
            print(f"{name}: MISSING ({missing})")
            status = status or EXIT_NO_WINDOW
            continue
        except (DtrDesktopError, OSError, RuntimeError) as error:
            print(f"{name}: FAILED ({type(error).__name__}: {error})")
            status = EXIT_ERROR
            continue
        print(f"{name}: ok ({detail})")
    print("selftest passed" if status == EXIT_OK else "selftest did not pass")
    return status


def check_database(data: Path) -> str:
    """Create the database (running the migrations) and write and read a row."""
    from dtr_desktop.services import Services
    from dtr_desktop.store.engine import database_path

    opened = Services(data)
    try:
        opened.subscriptions.add("Selftest")
        names = [s.name for s in opened.subscriptions.list()]
    finally:
        opened.close()
    if names != ["Selftest"]:
        raise RuntimeError(f"read back {names!r}")
    return str(database_path(data))


def check_keyring() -> str:
    """Store, read and delete a random secret through the system keyring."""
    from dtr_desktop.secret_store import KeyringSecretStore

    store = KeyringSecretStore(service=SELFTEST_SERVICE)
    backend = store.check()
    key, secret = f"selftest-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    store.set(key, secret)
    try:
        read = store.get(key)
    finally:
        store.delete(key)
    if read != secret:
        raise RuntimeError("the secret read back differs from the one stored")
    if store.get(key) is not None:
        raise RuntimeError("the secret was still there after deleting it")
    return backend


def check_window(data: Path) -> str:
    """Open the real main window on the throwaway data dir, then close it."""
    from dtr_desktop.ui.display import display_problem

    problem = display_problem()
    if problem:
        raise RuntimeError(problem.splitlines()[0])
    try:
        from dtr_desktop.ui.smoke import smoke_window
    except ImportError as error:
        raise WindowMissing(f"the window package: {error}") from None
    return smoke_window(data)
