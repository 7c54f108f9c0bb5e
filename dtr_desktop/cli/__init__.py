"""The ``dtr-desktop`` command: the window by default, scripting subcommands.

Each command group lives in its own module with a ``register(subparsers)``
function; handlers take the parsed arguments and a ``Services`` and return
the exit code. Heavy imports (Qt, SQLAlchemy, httpx) happen inside handlers
so that ``--version`` and ``--help`` stay instant.

Opening the window, the usual case, gives no subcommand: the global options
are parsed alone then, without importing and building every command group
(~40 ms of the window's start-up). A command builds only its own group
(~25 ms less for ``integrations test``, which scripts run often); the whole
tree is built for ``--help`` and for a word that names no command, so the
overview and the "invalid choice" error list every command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from dtr_desktop import __version__

EXIT_USAGE = 2

# Each command word, and the module under dtr_desktop.cli that adds it. The
# modules register in this order, which is the order ``--help`` lists them.
COMMANDS = {
    "integrations": "integrations",
    "subscriptions": "subscriptions",
    "policy": "policy",
    "selftest": "selftest",
    "docker": "docker",
    "import": "transfer",
    "export": "transfer",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


HELP_FLAGS = frozenset({"-h", "--help"})


class _UnusualWords(Exception):
    """The probe for the command word met words only the full parser handles."""


class _Probe(argparse.ArgumentParser):
    """The global options, reading words without printing or exiting."""

    def error(self, message: str) -> NoReturn:
        raise _UnusualWords(message)


def _global_parser(
    add_help: bool = True, probe: bool = False
) -> argparse.ArgumentParser:
    parser = (_Probe if probe else argparse.ArgumentParser)(
        prog="dtr-desktop",
        description="Manage Docker private and trusted registry integrations.",
        add_help=add_help,
    )
    if probe:  # the same option, without printing the version and exiting
        parser.add_argument("--version", action="store_true")
    else:
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


def build_parser(
    modules: Sequence[str] = COMMAND_MODULES,
) -> argparse.ArgumentParser:
    """The parser of every command, or of the groups of ``modules`` only."""
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        module = importlib.import_module(f"dtr_desktop.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    window_args = _window_only(words)
    if window_args is not None:
        return _open_window(window_args)
    args = build_parser(_modules_needed(words)).parse_args(words)
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


def _modules_needed(words: list[str]) -> Sequence[str]:
    """The module of the command that ``words`` name, or every module.

    The command is the first word left by the global options that argparse
    takes as a positional. With just that group, the global options and the
    group are exactly what the full parser would use, so parsing, help and
    errors are the same. The full tree is built when that word names no
    command (the error lists them all), when a help flag comes before it
    (the overview lists them all), and whenever the words are unusual.
    """
    probe = _global_parser(add_help=False, probe=True)
    probe.exit_on_error = False
    try:
        _, rest = probe.parse_known_args(words)
    except (argparse.ArgumentError, _UnusualWords):
        return COMMAND_MODULES
    for position, word in enumerate(rest):
        if word == "--":
            break
        if _read_as_option(word):
            continue
        module = COMMANDS.get(word)
        if module is None or HELP_FLAGS.intersection(rest[:position]):
            break
        return (module,)
    return COMMAND_MODULES


def _read_as_option(word: str) -> bool:
    """Whether argparse takes ``word`` for an option, not a positional.

    ``-``, a negative number and a word with a space are positionals.
    """
    if not word.startswith("-") or word == "-" or " " in word:
        return False
    try:
        float(word)
    except ValueError:
        return True
    return False


def _open_window(args: argparse.Namespace) -> int:
    """The window; its log file is opened once it has painted."""
    from dtr_desktop import paths
    from dtr_desktop.cli.common import fail, private_data_dir
    from dtr_desktop.domain.errors import DtrDesktopError
    from dtr_desktop.ui.display import display_problem

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    data = paths.data_dir(args.data_dir)
    overridden = bool(args.data_dir or os.environ.get(paths.DATA_DIR_ENV))
    try:
        private_data_dir(data, overridden)
    except DtrDesktopError as error:
        return fail(str(error))
    open_log_file = paths.setup_logging(
        paths.log_dir(data, overridden), args.verbose, defer_file=True
    )
    from dtr_desktop.ui.app import run

    return run(data, args.verbose, after_paint=open_log_file)
