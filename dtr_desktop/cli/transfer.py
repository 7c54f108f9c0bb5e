"""``dtr-desktop import docker-config`` and ``dtr-desktop export SUB``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_ERROR, EXIT_OK, fail

if TYPE_CHECKING:
    from dtr_desktop.services import Services
    from dtr_desktop.services.docker_interop import (
        ImportCandidate,
        ImportChoice,
        ImportReport,
    )


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    _register_import(subparsers)
    _register_export(subparsers)


def _register_import(subparsers: argparse._SubParsersAction[Any]) -> None:
    group = subparsers.add_parser("import", help="import logins from other tools")
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="import_command", metavar="SOURCE")
    parser = commands.add_parser(
        "docker-config",
        help="import the logins of docker's config.json and the containers auth files",
    )
    parser.add_argument(
        "--file", type=Path, help="read only this file (docker or containers format)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be imported, save nothing",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="update the integration already set up for a registry (default: skip)",
    )
    parser.add_argument(
        "--remove-plaintext",
        action="store_true",
        help="afterwards remove the imported passwords from the files (a backup "
        "is kept) and send those registries to the dtr-desktop helper",
    )
    parser.set_defaults(handler=import_docker_config)


def _register_export(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "export", help="write a subscription's logins for CI (contains secrets)"
    )
    parser.add_argument("subscription", metavar="SUB")
    parser.add_argument(
        "--format", required=True, choices=("docker-config", "k8s-secret")
    )
    parser.add_argument("--output", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists"
    )
    parser.add_argument(
        "--secret-name", help="the Kubernetes Secret's name (default: from SUB)"
    )
    parser.set_defaults(handler=export_subscription)


def import_docker_config(args: argparse.Namespace, services: Services) -> int:
    from dtr_desktop.docker_config.locations import CredentialFile, FileKind
    from dtr_desktop.services.docker_interop import DockerInteropService

    interop = DockerInteropService(services)
    files = None
    if args.file is not None:
        problem = _unreadable_file(args.file)
        if problem:
            return fail(problem)
        kind: FileKind = "containers" if args.file.name == "auth.json" else "docker"
        files = [CredentialFile(args.file, kind)]
    candidates = interop.preview_import(files)
    if not candidates:
        print("No logins found.")
        return EXIT_OK
    choices = [_choice(candidate, args.update) for candidate in candidates]
    _print_preview(choices)
    refused = sum(1 for candidate in candidates if candidate.problem)
    if refused:
        print(f"{refused} of {len(candidates)} entries cannot be imported.")
    if args.dry_run:
        print("Dry run: nothing was saved.")
        return EXIT_ERROR if refused else EXIT_OK
    report = interop.apply_import(choices)
    _print_report(report)
    if args.remove_plaintext and report.plaintext_left:
        print(interop.clear_plaintext(report).summary())
    elif report.plaintext_left:
        print(
            "The imported passwords are still written in plain text in the "
            "files; run again with --remove-plaintext to remove them."
        )
    return EXIT_ERROR if report.failed or refused else EXIT_OK


def _unreadable_file(path: Path) -> str | None:
    """Why a file named with --file cannot be imported from, or None.

    Without it, a mistyped path read as an empty file and said "No logins
    found." with success.
    """
    if not path.exists():
        return f"{path}: file not found; give the path of a config.json or auth.json"
    if not path.is_file():
        return f"{path} is not a file; give the path of a config.json or auth.json"
    return None


def _choice(candidate: ImportCandidate, update: bool) -> ImportChoice:
    from dtr_desktop.services.docker_interop import ImportChoice

    action = candidate.suggested_action
    if update and candidate.importable and candidate.existing:
        action = "update"
    return ImportChoice(candidate, action)


def _print_preview(choices: list[ImportChoice]) -> None:
    for choice in choices:
        c = choice.candidate
        where = f"{c.server} ({c.origin} in {c.source})"
        if c.problem:
            print(f"  cannot import {where}: {c.problem}")
            continue
        existing = f"; existing: {', '.join(c.existing)}" if c.existing else ""
        print(f"  {choice.action:6} {where} as {c.username!r}{existing}")


def _print_report(report: ImportReport) -> None:
    for outcome in report.outcomes:
        if outcome.error and outcome.candidate.problem is None:
            print(
                f"  failed {outcome.candidate.server}: {outcome.error}", file=sys.stderr
            )
    print(f"Imported: {len(report.created)} created, {len(report.updated)} updated.")


def export_subscription(args: argparse.Namespace, services: Services) -> int:
    from dtr_desktop.services.docker_interop import DockerInteropService

    result = DockerInteropService(services).export(
        args.subscription,
        args.format,
        args.output,
        overwrite=args.force,
        secret_name=args.secret_name,
    )
    print(f"Warning: {result.warning}", file=sys.stderr)
    print(f"Wrote {result.path} with the logins of: {', '.join(result.integrations)}.")
    if result.left_out:
        return fail(f"left out: {result.left_out_text}", EXIT_OK)
    return EXIT_OK
