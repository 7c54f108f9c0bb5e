"""The ``dtr-desktop`` command: the window by default, scripting subcommands.

Each command group lives in its own module with a ``register(subparsers)``
function; handlers take the parsed arguments and a ``Services`` and return
the exit code. Heavy imports (Qt, SQLAlchemy, httpx) happen inside handlers
so that ``--version`` and ``--help`` stay instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dtr_desktop import __version__
from dtr_desktop.cli.common import EXIT_USAGE, run_handler

# Modules under dtr_desktop.cli that add command groups.
COMMAND_MODULES = (
    "integrations",
    "subscriptions",
    "policy",
    "selftest",
    "docker",
    "transfer",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtr-desktop",
        description="Manage Docker private and trusted registry integrations.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the database here (default: $DTR_DESKTOP_DATA_DIR or the "
        "user data folder)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="also write the log to stderr"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"dtr_desktop.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        group = getattr(args, "group_parser", None)
        if group is not None:
            group.print_help(sys.stderr)
            return EXIT_USAGE
        return _open_window(args)
    return run_handler(handler, args)


def _open_window(args: argparse.Namespace) -> int:
    from dtr_desktop.cli.common import prepare_data_dir
    from dtr_desktop.ui.display import display_problem

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    data = prepare_data_dir(args)
    from dtr_desktop.ui.app import run

    return run(data, args.verbose)
