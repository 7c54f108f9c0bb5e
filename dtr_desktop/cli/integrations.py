"""``dtr-desktop integrations ...``: list, add, edit and delete integrations."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli import bulk
from dtr_desktop.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    confirm,
    fail,
    print_json,
    read_password_stdin,
)
from dtr_desktop.domain.errors import IntegrationInUse, ValidationError
from dtr_desktop.domain.providers import provider_by_id, provider_ids
from dtr_desktop.domain.validation import canonical_ca_pem, read_ca_file
from dtr_desktop.domain.values import Integration, IntegrationDraft

if TYPE_CHECKING:
    from dtr_desktop.services import Services


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    group = subparsers.add_parser("integrations", help="manage registry integrations")
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="integrations_command", metavar="ACTION")
    _register_list(commands)
    _register_add(commands)
    _register_edit(commands)
    _register_delete(commands)
    _register_test(commands)
    bulk.register(commands)


def _register_list(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser("list", help="list integrations")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=list_integrations)


def _register_add(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser("add", help="add an integration")
    parser.add_argument(
        "--type", required=True, choices=provider_ids(), dest="provider"
    )
    parser.add_argument("--name", required=True)
    parser.add_argument("--url", help="registry URL (default: the type's own)")
    parser.add_argument("--username", default="")
    parser.add_argument("--email", default="")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    _add_trust_options(parser)
    parser.set_defaults(handler=add_integration)


def _register_edit(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser("edit", help="change an integration")
    parser.add_argument("integration", metavar="NAME")
    parser.add_argument("--name", dest="new_name")
    parser.add_argument("--url")
    parser.add_argument("--username")
    parser.add_argument("--email")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read a new password from stdin"
    )
    _add_trust_options(parser)
    parser.set_defaults(handler=edit_integration)


def _register_delete(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser("delete", help="delete an integration")
    parser.add_argument("integration", metavar="NAME")
    parser.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
    parser.set_defaults(handler=delete_integration)


def _register_test(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "test", help="test the connection and prove the credentials"
    )
    parser.add_argument("integration", metavar="NAME")
    parser.add_argument(
        "--repository", metavar="REPO", help="also check pull and push on REPO"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=test_integration)


def _add_trust_options(parser: argparse.ArgumentParser) -> None:
    ca = parser.add_mutually_exclusive_group()
    ca.add_argument("--ca-file", metavar="PEM", help="trust this CA certificate")
    ca.add_argument("--no-ca", action="store_true", help="forget the own CA")
    plain = parser.add_mutually_exclusive_group()
    plain.add_argument(
        "--insecure", action="store_true", default=None, help="allow plain http"
    )
    plain.add_argument(
        "--secure", action="store_false", dest="insecure", help="require https"
    )


def list_integrations(args: argparse.Namespace, services: Services) -> int:
    integrations = services.integrations.list()
    if args.json:
        print_json([integration_json(item) for item in integrations])
        return EXIT_OK
    if not integrations:
        print("No integrations yet. Add one with: dtr-desktop integrations add")
        return EXIT_OK
    rows = [("NAME", "TYPE", "URL", "USERNAME", "SUBSCRIPTIONS")]
    rows += [
        (i.name, i.provider, i.url, i.username, ", ".join(i.subscriptions))
        for i in integrations
    ]
    widths = [max(columns(row[col]) for row in rows) for col in range(4)]
    for row in rows:
        cells = [
            cell + " " * (width - columns(cell))
            for cell, width in zip(row, widths, strict=False)
        ]
        print("  ".join([*cells, row[4]]).rstrip())
    return EXIT_OK


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide East Asian letters and
    emoji take two, combining marks none."""
    import unicodedata

    return sum(
        0
        if unicodedata.combining(char)
        else 2
        if unicodedata.east_asian_width(char) in "WF"
        else 1
        for char in text
    )


def integration_json(integration: Integration) -> dict[str, Any]:
    return {
        "id": integration.id,
        "name": integration.name,
        "type": integration.provider,
        "url": integration.url,
        "username": integration.username,
        "email": integration.email,
        "insecure": integration.insecure,
        "ca_certificate": integration.ca_cert_pem is not None,
        "managed": integration.managed,
        "subscriptions": list(integration.subscriptions),
        "last_test": integration.last_test_outcome,
        "last_tested_at": integration.last_tested_at,
    }


def add_integration(args: argparse.Namespace, services: Services) -> int:
    url = (
        args.url if args.url is not None else provider_by_id(args.provider).default_url
    )
    draft = IntegrationDraft(
        name=args.name,
        provider=args.provider,
        url=url,
        username=args.username,
        email=args.email,
        insecure=bool(args.insecure),
        ca_cert_pem=_read_ca(args.ca_file) if args.ca_file else None,
    )
    password = read_password_stdin() if args.password_stdin else None
    if draft.username and password is None:
        return fail("give the password on standard input with --password-stdin")
    added = services.integrations.add(draft, password)
    print(f"Added integration {added.name!r} ({added.url}).")
    return EXIT_OK


def edit_integration(args: argparse.Namespace, services: Services) -> int:
    current = services.integrations.get(args.integration)
    draft = _edited_draft(current.draft(), args)
    password = read_password_stdin() if args.password_stdin else None
    edited = services.integrations.edit(current.id, draft, password)
    print(f"Saved integration {edited.name!r}.")
    return EXIT_OK


def _edited_draft(
    draft: IntegrationDraft, args: argparse.Namespace
) -> IntegrationDraft:
    changes: dict[str, Any] = {}
    for option, field in (
        ("new_name", "name"),
        ("url", "url"),
        ("username", "username"),
        ("email", "email"),
        ("insecure", "insecure"),
    ):
        value = getattr(args, option)
        if value is not None:
            changes[field] = value
    if args.ca_file:
        changes["ca_cert_pem"] = _read_ca(args.ca_file)
    elif args.no_ca:
        changes["ca_cert_pem"] = None
    return replace(draft, **changes)


def delete_integration(args: argparse.Namespace, services: Services) -> int:
    integration = services.integrations.get(args.integration)
    try:
        if integration.subscriptions:
            raise IntegrationInUse(integration.name, integration.subscriptions)
        if not args.yes and not confirm(f"Delete integration {integration.name!r}?"):
            return fail("not deleted (use --yes to skip the question)")
        services.integrations.delete(integration.id)
    except IntegrationInUse as error:
        fail(f"{error.integration!r} was not deleted; these subscriptions use it:")
        for name in error.subscriptions:
            print(f"  {name}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Deleted integration {integration.name!r}.")
    return EXIT_OK


def test_integration(args: argparse.Namespace, services: Services) -> int:
    """Exit 0 only when the credentials were proven (outcome ``ok``)."""
    from dtr_desktop.services.registry_checks import RegistryChecks

    name, report = RegistryChecks(services).test_by_name(
        args.integration, repository=args.repository
    )
    if args.json:
        print_json(report.to_json())
    else:
        print(f"{name}: {report.outcome.value}: {report.message}")
        if report.access is not None:
            for right in ("pull", "push"):
                permission = getattr(report.access, right)
                print(f"  {right}: {permission.state.value}: {permission.reason}")
        if report.certificate is not None:
            print(report.certificate.describe())
    return EXIT_OK if report.ok else EXIT_ERROR


def _read_ca(path: str) -> str:
    try:
        data = read_ca_file(path)
    except OSError as error:
        raise ValidationError(
            {"ca_file": f"cannot read {path}: {error.strerror}"}
        ) from None
    if data is None or b"-----BEGIN CERTIFICATE-----" not in data:
        raise ValidationError({"ca_file": f"{path} is not a PEM certificate file"})
    try:
        return canonical_ca_pem(data.decode("ascii", errors="replace"))
    except ValueError as error:
        raise ValidationError({"ca_file": f"{path}: {error}"}) from None
