"""The ``dtr-desktop`` command: the window by default, scripting subcommands.

Each command group lives in its own module with a ``register(subparsers)``
function; handlers take the parsed arguments and a ``Services`` and return
the exit code. Heavy imports (Qt, SQLAlchemy, httpx) happen inside handlers
so that ``--version`` and ``--help`` stay instant.

Opening the window, the usual case, gives no subcommand: the global options
are parsed alone then, without importing and building every command group
(~40 ms of the window's start-up).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from dtr_desktop import __version__

EXIT_USAGE = 2

# Modules under dtr_desktop.cli that add command groups.
COMMAND_MODULES = (
    "integrations",
    "subscriptions",
    "policy",
    "selftest",
    "docker",
    "transfer",
)


HELP_FLAGS = frozenset({"-h", "--help"})


def _global_parser(add_help: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtr-desktop",
        description="Manage Docker private and trusted registry integrations.",
        add_help=add_help,
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
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"dtr_desktop.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    window_args = _window_only(words)
    if window_args is not None:
        return _open_window(window_args)
    args = build_parser().parse_args(words)
    from dtr_desktop.cli.common import run_handler

    handler = getattr(args, "handler", None)
    if handler is None:
        group = getattr(args, "group_parser", None)
        if group is not None:
            group.print_help(sys.stderr)
            return EXIT_USAGE
        return _open_window(args)
    return run_handler(handler, args)


def _window_only(words: list[str]) -> argparse.Namespace | None:
    """The global options when nothing but them was given, else None.

    Anything left over (a command, an unknown option) and any help flag go
    to the full parser, which knows every command and words the errors.
    """
    if HELP_FLAGS.intersection(words):
        return None
    args, rest = _global_parser(add_help=False).parse_known_args(words)
    return None if rest else args


def _open_window(args: argparse.Namespace) -> int:
    """The window; its log file is opened once it has painted."""
    from dtr_desktop import paths
    from dtr_desktop.ui.display import display_problem

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    data = paths.data_dir(args.data_dir)
    overridden = bool(args.data_dir or os.environ.get(paths.DATA_DIR_ENV))
    open_log_file = paths.setup_logging(
        paths.log_dir(data, overridden), args.verbose, defer_file=True
    )
    from dtr_desktop.ui.app import run

    return run(data, args.verbose, after_paint=open_log_file)
