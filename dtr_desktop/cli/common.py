"""What every command shares: opening services, reading secrets, printing errors."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtr_desktop.domain.errors import DtrDesktopError, ValidationError

if TYPE_CHECKING:
    from dtr_desktop.services import Services

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, "Services"], int]


def prepare_data_dir(args: argparse.Namespace) -> Path:
    """Resolve the data dir and start logging next to it."""
    from dtr_desktop import paths

    data = paths.data_dir(args.data_dir)
    overridden = bool(args.data_dir or os.environ.get(paths.DATA_DIR_ENV))
    private_data_dir(data, overridden)
    paths.setup_logging(paths.log_dir(data, overridden), args.verbose)
    return data


def private_data_dir(data: Path, overridden: bool) -> None:
    """Make the data folder (0700) before anything is written in it."""
    from dtr_desktop import paths
    from dtr_desktop.domain.errors import StoreError

    try:
        paths.make_private_data_dir(data, overridden)
    except OSError as error:
        raise StoreError(
            f"The data folder {data} cannot be used ({error.strerror}). "
            "Choose a writable folder with --data-dir."
        ) from None


def open_services(args: argparse.Namespace) -> Services:
    from dtr_desktop.services import Services

    return Services(prepare_data_dir(args))


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    try:
        services = open_services(args)
    except DtrDesktopError as error:
        return fail(str(error))
    try:
        apply_policy(args, services)
        return handler(args, services)
    except ValidationError as error:
        for field, why in error.field_errors.items():
            print(f"dtr-desktop: {field}: {why}", file=sys.stderr)
        return EXIT_ERROR
    except DtrDesktopError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a fault of ours: one line here, details in the log
        log.exception("command failed")
        return fail(
            f"an unexpected error stopped the command ({type(error).__name__}); "
            "the log file has the details."
        )
    finally:
        services.close()


def apply_policy(args: argparse.Namespace, services: Services) -> None:
    """Apply the administrator's policy, as at every start; warn, never stop.

    Commands that handle the policy themselves set ``skip_policy``.
    """
    if getattr(args, "skip_policy", False):
        return
    from dtr_desktop.services.policy import apply_policy_at_start

    for warning in apply_policy_at_start(services):
        print(f"dtr-desktop: warning: {warning}", file=sys.stderr)


def fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"dtr-desktop: {message}", file=sys.stderr)
    return code


def read_password_stdin() -> str:
    """The secret on standard input (one trailing newline dropped), or a prompt.

    Passwords never come from the command line, where other users of the
    machine could read them in the process list.
    """
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    text = sys.stdin.read()
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")
