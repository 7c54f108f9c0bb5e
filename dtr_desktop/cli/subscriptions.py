"""``dtr-desktop subscriptions ...``: subscriptions and their integrations."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_OK, confirm, fail, print_json

if TYPE_CHECKING:
    from dtr_desktop.services import Services


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    group = subparsers.add_parser("subscriptions", help="manage subscriptions")
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="subscriptions_command", metavar="ACTION")

    parser = commands.add_parser("list", help="list subscriptions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=list_subscriptions)

    parser = commands.add_parser("add", help="create a subscription")
    parser.add_argument("name")
    parser.set_defaults(handler=add_subscription)

    parser = commands.add_parser("rename", help="rename a subscription")
    parser.add_argument("name")
    parser.add_argument("new_name")
    parser.set_defaults(handler=rename_subscription)

    parser = commands.add_parser("delete", help="delete a subscription")
    parser.add_argument("name")
    parser.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
    parser.set_defaults(handler=delete_subscription)

    for action, handler in (("attach", attach), ("detach", detach)):
        parser = commands.add_parser(action, help=f"{action} an integration")
        parser.add_argument("subscription")
        parser.add_argument("integration")
        parser.set_defaults(handler=handler)


def list_subscriptions(args: argparse.Namespace, services: Services) -> int:
    subscriptions = services.subscriptions.list()
    if args.json:
        print_json(
            [
                {
                    "name": s.name,
                    "integrations": list(s.integrations),
                    "managed": s.managed,
                }
                for s in subscriptions
            ]
        )
        return EXIT_OK
    if not subscriptions:
        print(
            "No subscriptions yet. Create one with: dtr-desktop subscriptions add NAME"
        )
    for subscription in subscriptions:
        used = ", ".join(subscription.integrations) or "(no integrations)"
        print(f"{subscription.name}: {used}")
    return EXIT_OK


def add_subscription(args: argparse.Namespace, services: Services) -> int:
    added = services.subscriptions.add(args.name)
    print(f"Created subscription {added.name!r}.")
    return EXIT_OK


def rename_subscription(args: argparse.Namespace, services: Services) -> int:
    renamed = services.subscriptions.rename(args.name, args.new_name)
    print(f"Renamed subscription to {renamed.name!r}.")
    return EXIT_OK


def delete_subscription(args: argparse.Namespace, services: Services) -> int:
    subscription = services.subscriptions.get(args.name)
    question = f"Delete subscription {subscription.name!r}?"
    if not args.yes and not confirm(question):
        return fail("not deleted (use --yes to skip the question)")
    services.subscriptions.delete(subscription.name)
    print(f"Deleted subscription {subscription.name!r}.")
    return EXIT_OK


def attach(args: argparse.Namespace, services: Services) -> int:
    changed = services.subscriptions.attach(args.subscription, args.integration)
    state = "Attached" if changed else "Already attached:"
    print(f"{state} {args.integration!r} to {args.subscription!r}.")
    return EXIT_OK


def detach(args: argparse.Namespace, services: Services) -> int:
    changed = services.subscriptions.detach(args.subscription, args.integration)
    if not changed:
        return fail(f"{args.integration!r} is not attached to {args.subscription!r}")
    print(f"Detached {args.integration!r} from {args.subscription!r}.")
    return EXIT_OK
