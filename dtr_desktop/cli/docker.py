"""``dtr-desktop docker enable|disable NAME``: Use with Docker from the shell."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_OK
from dtr_desktop.docker_config.cred_helpers import FileChange
from dtr_desktop.docker_config.locations import FileKind

if TYPE_CHECKING:
    from dtr_desktop.services import Services


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    group = subparsers.add_parser(
        "docker", help="let docker, podman and skopeo use an integration"
    )
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="docker_command", metavar="ACTION")
    enable = commands.add_parser(
        "enable",
        help="send the integration's registry to the dtr-desktop credential helper",
    )
    enable.add_argument("integration", metavar="NAME")
    enable.add_argument(
        "--containers",
        action="store_true",
        help="also write the containers auth file (podman, buildah, skopeo)",
    )
    enable.set_defaults(handler=enable_docker)
    disable = commands.add_parser(
        "disable", help="remove the registry's dtr-desktop helper entries"
    )
    disable.add_argument("integration", metavar="NAME")
    disable.set_defaults(handler=disable_docker)


def enable_docker(args: argparse.Namespace, services: Services) -> int:
    from dtr_desktop.services.docker_interop import DockerInteropService

    targets: tuple[FileKind, ...] = (
        ("docker", "containers") if args.containers else ("docker",)
    )
    link = DockerInteropService(services).enable_docker(args.integration, targets)
    _print_changes(link.changes)
    if not link.changes:
        print(f"{link.server} already uses the dtr-desktop credential helper.")
    if link.answered_by and link.answered_by != link.integration:
        print(
            f"Note: docker will get the login of {link.answered_by!r}, the older "
            f"integration for {link.server}."
        )
    return EXIT_OK


def disable_docker(args: argparse.Namespace, services: Services) -> int:
    from dtr_desktop.services.docker_interop import DockerInteropService

    changes = DockerInteropService(services).disable_docker(args.integration)
    _print_changes(changes)
    if not changes:
        print("No file sent this registry to the dtr-desktop credential helper.")
    return EXIT_OK


def _print_changes(changes: tuple[FileChange, ...] | list[FileChange]) -> None:
    for change in changes:
        kept = f" (previous file kept as {change.backup})" if change.backup else ""
        print(f"Updated {change.path}{kept}.")
