"""``dtr-desktop integrations export FILE`` and ``import FILE``.

The file (TOML or JSON, chosen by its ending or ``--format``) holds each
integration's type, name, URL, user name, email, insecure flag and CA
certificate, and never a password. On import the passwords are typed at a
prompt, or given on standard input with ``--password-stdin`` as one line
per integration: the integration's name, a tab, the password. A name
cannot contain a tab, so the first tab always ends it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtr_desktop.cli.common import EXIT_ERROR, EXIT_OK, fail
from dtr_desktop.domain.errors import DtrDesktopError, ValidationError
from dtr_desktop.domain.validation import clean_draft, name_key
from dtr_desktop.domain.values import Integration, IntegrationDraft

if TYPE_CHECKING:
    from dtr_desktop.services import Services

FORMAT_NAME = "dtr-desktop-integrations"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 10_000_000
_FIELDS = ("name", "type", "url", "username", "email", "insecure", "ca_certificate")


class BulkFileError(DtrDesktopError):
    """An import file that cannot be used as it is."""


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``export`` and ``import`` to the ``integrations`` group."""
    parser = commands.add_parser(
        "export", help="write integrations to a TOML or JSON file (no passwords)"
    )
    parser.add_argument("file", metavar="FILE", help="a .toml or .json file, or -")
    parser.add_argument("--format", choices=("toml", "json"))
    parser.add_argument("--force", action="store_true", help="replace FILE")
    parser.add_argument(
        "--include-managed",
        action="store_true",
        help="also write the integrations your administrator's policy manages",
    )
    parser.set_defaults(handler=export_integrations)

    parser = commands.add_parser(
        "import", help="add the integrations of a TOML or JSON file"
    )
    parser.add_argument("file", metavar="FILE", help="a .toml or .json file, or -")
    parser.add_argument("--format", choices=("toml", "json"))
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from stdin, one 'NAME<TAB>PASSWORD' line each",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file, change nothing"
    )
    parser.set_defaults(handler=import_integrations)


def file_format(path: str, chosen: str | None) -> str:
    if chosen:
        return chosen
    suffix = Path(path).suffix.lower()
    if suffix in (".toml", ".json"):
        return suffix[1:]
    raise BulkFileError(f"say --format toml or --format json for {path!r}")


# Export


def export_integrations(args: argparse.Namespace, services: Services) -> int:
    kind = file_format(args.file, args.format)
    chosen = [
        item
        for item in services.integrations.list()
        if args.include_managed or not item.managed
    ]
    text = render(chosen, kind)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        _write_new_file(Path(args.file), text, args.force)
        print(f"Wrote {len(chosen)} integration(s) to {args.file} (no passwords).")
    return EXIT_OK


def export_entry(integration: Integration) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": integration.name,
        "type": integration.provider,
        "url": integration.url,
        "username": integration.username,
        "email": integration.email,
        "insecure": integration.insecure,
    }
    if integration.ca_cert_pem:
        entry["ca_certificate"] = integration.ca_cert_pem
    return entry


def render(integrations: list[Integration], kind: str) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "integrations": [export_entry(item) for item in integrations],
    }
    if kind == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    import tomli_w

    header = "# dtr-desktop integrations. Passwords are never written here.\n"
    return header + tomli_w.dumps(document, multiline_strings=True)


def _write_new_file(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        raise BulkFileError(f"{path} exists; add --force to replace it")
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BulkFileError(f"cannot write {path}: {error.strerror}") from None


# Import


@dataclass(frozen=True, slots=True)
class ImportEntry:
    number: int
    draft: IntegrationDraft


def import_integrations(args: argparse.Namespace, services: Services) -> int:
    entries = read_entries(args.file, file_format(args.file, args.format))
    existing = {name_key(item.name) for item in services.integrations.list()}
    new = [e for e in entries if name_key(e.draft.name) not in existing]
    for entry in entries:
        if entry not in new:
            print(f"Skipped {entry.draft.name!r}: an integration of that name exists.")
    if args.dry_run:
        print(f"{len(new)} integration(s) would be added.")
        return EXIT_OK
    if entries and not new:
        print(
            f"Nothing to add: all {len(entries)} integration(s) in the file "
            "already exist."
        )
        return EXIT_OK
    passwords = collect_passwords(new, args.password_stdin)
    failures = sum(not _add(services, entry, passwords) for entry in new)
    print(_import_summary(len(new) - failures, len(new), len(entries)))
    return EXIT_ERROR if failures else EXIT_OK


def _import_summary(added: int, new: int, held: int) -> str:
    """What was added, and how many of the file's entries already existed."""
    summary = f"Added {added} of {new} new integration(s)"
    if held > new:
        return f"{summary}; {held - new} of the {held} in the file already existed."
    return f"{summary}."


def _add(services: Services, entry: ImportEntry, passwords: dict[str, str]) -> bool:
    password = passwords.get(name_key(entry.draft.name))
    try:
        services.integrations.add(entry.draft, password)
    except ValidationError as error:
        reasons = "; ".join(f"{k}: {v}" for k, v in error.field_errors.items())
        fail(f"{entry.draft.name!r} not added: {reasons}")
        return False
    except DtrDesktopError as error:
        fail(f"{entry.draft.name!r} not added: {error}")
        return False
    print(f"Added {entry.draft.name!r} ({entry.draft.url}).")
    return True


def read_entries(path: str, kind: str) -> list[ImportEntry]:
    """Every entry of the file, checked; BulkFileError lists all problems."""
    document = _load(path, kind)
    tables = document.get("integrations")
    if document.get("format", FORMAT_NAME) != FORMAT_NAME or not isinstance(
        tables, list
    ):
        raise BulkFileError(f"{path} is not a dtr-desktop integrations file")
    problems: list[str] = []
    entries: list[ImportEntry] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        try:
            draft = clean_draft(_draft(table))
        except (ValidationError, BulkFileError) as error:
            problems.append(f"integration {number}: {_reason(error)}")
            continue
        if name_key(draft.name) in seen:
            problems.append(f"integration {number}: {draft.name!r} appears twice")
        seen.add(name_key(draft.name))
        entries.append(ImportEntry(number, draft))
    if problems:
        raise BulkFileError(f"{path} was not imported: " + "; ".join(problems))
    return entries


def _reason(error: DtrDesktopError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{k}: {v}" for k, v in error.field_errors.items())
    return str(error)


def _load(path: str, kind: str) -> dict[str, Any]:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(path, "rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise BulkFileError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise BulkFileError(f"{path} is larger than 10 MB")
    try:
        text = data.decode("utf-8")
        loaded = json.loads(text) if kind == "json" else _toml(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise BulkFileError(f"{path} is not valid {kind.upper()}: {error}") from None
    if not isinstance(loaded, dict):
        raise BulkFileError(f"{path} is not a dtr-desktop integrations file")
    return loaded


def _toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, loaded when a file is imported (~4 ms).

    Every ``integrations`` command builds this module's parsers; only an
    import reads TOML.
    """
    import tomllib

    return tomllib.loads(text)


def _draft(table: object) -> IntegrationDraft:
    if not isinstance(table, dict):
        raise BulkFileError("is not a table of fields")
    unknown = sorted(set(table) - set(_FIELDS))
    if unknown:
        raise BulkFileError(f"unknown field(s) {', '.join(unknown)}")
    text = {k: table.get(k, "") for k in _FIELDS if k not in ("insecure",)}
    if not all(isinstance(value, str) for value in text.values()):
        raise BulkFileError("name, type, url, username, email must be strings")
    insecure = table.get("insecure", False)
    if not isinstance(insecure, bool):
        raise BulkFileError("insecure must be true or false")
    return IntegrationDraft(
        name=text["name"],
        provider=text["type"],
        url=text["url"],
        username=text["username"],
        email=text["email"],
        insecure=insecure,
        ca_cert_pem=text["ca_certificate"] or None,
    )


def collect_passwords(entries: list[ImportEntry], from_stdin: bool) -> dict[str, str]:
    """Passwords by name key for the entries that have a user name."""
    needing = [entry for entry in entries if entry.draft.username]
    if not needing:
        return {}
    if from_stdin:
        given = parse_password_lines(sys.stdin.read())
        missing = [e.draft.name for e in needing if name_key(e.draft.name) not in given]
        if missing:
            raise BulkFileError(
                "no password line on standard input for: " + ", ".join(missing)
            )
        return given
    if not sys.stdin.isatty():
        raise BulkFileError(
            "passwords are needed for the integrations with a user name; give them "
            "with --password-stdin as lines 'NAME<TAB>PASSWORD'"
        )
    return {
        name_key(e.draft.name): getpass.getpass(
            f"Password for {e.draft.name!r} ({e.draft.username}): "
        )
        for e in needing
    }


def parse_password_lines(text: str) -> dict[str, str]:
    """``NAME<TAB>PASSWORD`` lines into passwords by name key."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, tab, password = line.partition("\t")
        if not tab:
            raise BulkFileError(
                f"standard input line {number} has no tab between name and password"
            )
        found[name_key(name)] = password
    return found
