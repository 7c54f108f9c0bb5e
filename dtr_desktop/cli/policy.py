"""``dtr-desktop policy ...``: what the administrator's policy says, and applying it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_ERROR, EXIT_OK, fail, print_json

if TYPE_CHECKING:
    from dtr_desktop.policy import Policy
    from dtr_desktop.services import Services


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    group = subparsers.add_parser(
        "policy", help="show, check or apply the administrator's policy file"
    )
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="policy_command", metavar="ACTION")

    parser = commands.add_parser("show", help="where the policy is and what it says")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=show_policy)

    parser = commands.add_parser("apply", help="apply the policy to your data now")
    parser.set_defaults(handler=apply_policy, skip_policy=True)

    parser = commands.add_parser(
        "check", help="check a policy file without applying it (for administrators)"
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="default: the policy")
    parser.set_defaults(handler=check_policy, skip_policy=True)


def show_policy(args: argparse.Namespace, services: Services) -> int:
    policy = services.policy.load()
    path = services.policy.path
    if args.json:
        print_json(policy_json(path, policy))
        return EXIT_OK
    if policy is None:
        print(f"No policy: {path} does not exist.")
        return EXIT_OK
    for line in describe(policy):
        print(line)
    return EXIT_OK


def apply_policy(args: argparse.Namespace, services: Services) -> int:
    report = services.policy.apply()
    lines = report.lines()
    for line in lines:
        print(line)
    if not lines:
        print(f"Your data already follows {services.policy.path}.")
    return EXIT_OK


def check_policy(args: argparse.Namespace, services: Services) -> int:
    from dtr_desktop.policy import read_policy

    path = Path(args.file) if args.file else services.policy.path
    policy = read_policy(path)
    if policy is None:
        return fail(f"{path} does not exist", EXIT_ERROR)
    print(
        f"{path} is valid: {len(policy.integrations)} integration(s), "
        f"{len(policy.subscriptions)} subscription(s)."
    )
    return EXIT_OK


def describe(policy: Policy) -> list[str]:
    rules = policy.rules
    hosts = "any host"
    if rules.allowed_hosts is not None:
        hosts = ", ".join(str(p) for p in rules.allowed_hosts) or "none"
    lines = [
        f"Policy: {policy.source}",
        f"Insecure registries: {'forbidden' if rules.forbid_insecure else 'allowed'}",
        f"Allowed registry hosts: {hosts}",
    ]
    for entry in policy.integrations:
        lock = "locked" if entry.locked else "not locked"
        lines.append(
            f"Integration {entry.name!r} ({entry.provider}, {entry.url}), {lock}"
        )
    for subscription in policy.subscriptions:
        used = ", ".join(subscription.integration_keys) or "no integrations"
        lines.append(f"Subscription {subscription.name!r}: {used}")
    return lines


def policy_json(path: Path, policy: Policy | None) -> dict[str, Any]:
    if policy is None:
        return {"path": str(path), "exists": False}
    allowed = policy.rules.allowed_hosts
    return {
        "path": str(path),
        "exists": True,
        "forbid_insecure": policy.rules.forbid_insecure,
        "allowed_hosts": None if allowed is None else [str(p) for p in allowed],
        "integrations": [
            {
                "id": e.key,
                "name": e.name,
                "type": e.provider,
                "url": e.url,
                "insecure": e.insecure,
                "ca_certificate": e.ca_cert_pem is not None,
                "locked": e.locked,
            }
            for e in policy.integrations
        ],
        "subscriptions": [
            {"name": s.name, "integrations": list(s.integration_keys)}
            for s in policy.subscriptions
        ],
    }
