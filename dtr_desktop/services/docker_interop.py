"""docker, podman and skopeo on the workstation use the app's integrations.

Four use cases, shared by the window, the command line and the credential
helper:

- *Use with Docker*: point a registry at the ``dtr-desktop`` credential
  helper in ``~/.docker/config.json`` (and, if asked, the containers auth
  file), or take it back.
- *Import*: preview the logins docker and the containers tools already hold,
  let the person choose, save them as integrations (secrets only in the
  keyring), then optionally remove the plaintext copies from the files.
- *Export*: write a subscription's logins as a docker ``config.json`` or a
  Kubernetes pull secret, for CI.
- *Helper store/erase*: ``docker login`` and ``docker logout`` through the
  helper create, update and delete integrations.

Nothing here imports Qt; long calls (keyring, helpers, file writes) belong
in a worker when the window calls them.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import sysconfig
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dtr_desktop.docker_config.cred_helpers import (
    PLAINTEXT_FIELDS,
    FileChange,
    disable_helper,
    enable_helper,
    move_to_helper,
    uses_helper,
)
from dtr_desktop.docker_config.errors import ConfigFileError
from dtr_desktop.docker_config.files import read_config, write_private_file
from dtr_desktop.docker_config.helper_client import DEFAULT_TIMEOUT
from dtr_desktop.docker_config.locations import (
    CredentialFile,
    FileKind,
    containers_auth_paths,
    credential_files,
    docker_config_path,
)
from dtr_desktop.docker_config.logins import FoundLogin, encode_auth, read_logins
from dtr_desktop.docker_config.protocol import (
    DOCKER_HUB_HOST,
    IDENTITY_TOKEN_USERNAME,
    docker_server_key,
)
from dtr_desktop.domain.errors import DtrDesktopError, ValidationError
from dtr_desktop.domain.validation import (
    NAME_MAX,
    name_key,
    normalize_url,
    password_error,
    registry_host_key,
    username_error,
)
from dtr_desktop.domain.values import Integration, IntegrationDraft

if TYPE_CHECKING:
    from dtr_desktop.services.app import Services

log = logging.getLogger(__name__)

ImportAction = Literal["create", "update", "skip"]
ExportFormat = Literal["docker-config", "k8s-secret"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("docker-config", "k8s-secret")
HELPER_PROVIDER = "registry"
DOCKER_HUB_URL = "https://registry-1.docker.io"
HELPER_PROGRAM = "docker-credential-dtr-desktop"

EXPORT_WARNING = (
    "The exported file holds the passwords of the subscription's integrations "
    "in a form anyone who can read the file can use (base64 is not "
    "encryption). It is written readable only by you (mode 0600); keep it out "
    "of version control and delete it when the CI system has it."
)


class DockerInteropError(DtrDesktopError):
    """An import, export or Use with Docker action that cannot go ahead."""


class HelperNotOnPath(DockerInteropError):
    """docker could not run our credential helper: it is on no folder of PATH."""

    def __init__(self, setup: HelperSetup) -> None:
        self.setup = setup
        super().__init__(setup.advice())


# ---------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class HelperSetup:
    """Where docker would find ``docker-credential-dtr-desktop``, if anywhere.

    ``found`` is the program on PATH; ``installed`` the one installed next
    to this Python (a virtual environment's ``bin``), which a link into
    ``link_folder`` (``~/.local/bin``) puts on PATH when that folder is on it.
    """

    found: Path | None
    installed: Path | None
    link_folder: Path
    link_folder_on_path: bool

    @property
    def can_link(self) -> bool:
        return (
            self.found is None
            and self.installed is not None
            and self.link_folder_on_path
        )

    def advice(self) -> str:
        """What to do so that docker can run the helper; nothing changed."""
        text = (
            f"docker, podman and skopeo would not find {HELPER_PROGRAM}: it is "
            "not in any folder on your PATH, so no file was changed. Install the "
            "dtr-desktop package (see the packaging/ folder of dtr-desktop)"
        )
        if self.installed is None:
            return text + ", then try again."
        folder = _home_short(self.link_folder)
        text += f", or link {self.installed} into a folder on your PATH"
        if self.link_folder_on_path:
            return text + f", for example: ln -s {self.installed} {folder}/"
        return text + (
            f". {folder} is not on your PATH: add it (for example "
            'export PATH="$HOME/.local/bin:$PATH" in ~/.profile, then log in '
            f"again) and link the helper there with: ln -s {self.installed} "
            f"{folder}/"
        )


def _home_short(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class ImportCandidate:
    """One login an import could save, as the preview shows it.

    ``existing`` names the integrations that already point at the same
    registry; ``problem`` says why the entry cannot be imported (then it is
    never saved). The secret is carried for ``apply_import`` but never shown.
    """

    key: str
    source: Path
    kind: FileKind
    server: str
    host_key: str
    origin: str
    username: str
    plaintext: bool
    existing: tuple[str, ...]
    problem: str | None
    secret: str = field(default="", repr=False, compare=False)

    @property
    def importable(self) -> bool:
        return self.problem is None

    @property
    def suggested_action(self) -> ImportAction:
        """What the preview ticks by default: new logins yes, duplicates no."""
        if self.problem is not None or self.existing:
            return "skip"
        return "create"


@dataclass(frozen=True, slots=True)
class ImportChoice:
    """The person's decision for one candidate.

    ``update`` overwrites the user name and password of ``target`` (default:
    the first integration in ``candidate.existing``).
    """

    candidate: ImportCandidate
    action: ImportAction
    target: str | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    candidate: ImportCandidate
    action: ImportAction
    integration: str | None = None
    error: str | None = None

    @property
    def saved(self) -> bool:
        return self.error is None and self.action != "skip"


@dataclass(frozen=True, slots=True)
class ImportReport:
    outcomes: tuple[ImportOutcome, ...]

    def _names(self, action: ImportAction) -> list[str]:
        return [
            o.integration or "" for o in self.outcomes if o.action == action and o.saved
        ]

    @property
    def created(self) -> list[str]:
        return self._names("create")

    @property
    def updated(self) -> list[str]:
        return self._names("update")

    @property
    def failed(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def plaintext_left(self) -> list[ImportCandidate]:
        """Imported logins whose secret is still written in a file."""
        return [o.candidate for o in self.outcomes if o.saved and o.candidate.plaintext]


@dataclass(frozen=True, slots=True)
class PlaintextRemoval:
    """What *Remove plaintext passwords* did, and what it left.

    ``backups`` are the copies of the rewritten files: they still hold the
    removed passwords. ``still_plaintext`` names, per file the import read,
    the registries whose passwords are still written there (logins that
    were not imported).
    """

    changes: tuple[FileChange, ...]
    removed: tuple[str, ...]
    still_plaintext: tuple[tuple[Path, tuple[str, ...]], ...]

    @property
    def backups(self) -> tuple[Path, ...]:
        return tuple(c.backup for c in self.changes if c.backup is not None)

    def summary(self) -> str:
        """Where passwords are gone from, and every place one is still written."""
        lines = []
        for change in self.changes:
            line = f"Removed them from {change.path}."
            if change.backup is not None:
                line += (
                    " Its backup still holds the removed passwords; the previous "
                    f"version is {change.backup}."
                )
            lines.append(line)
        for path, servers in self.still_plaintext:
            lines.append(
                f"Still written in plaintext in {path} (not imported): "
                f"{', '.join(servers)}."
            )
        if not self.still_plaintext:
            lines.append("No other password is written in plaintext in those files.")
        hosts = ", ".join(self.removed)
        head = (
            f"The plaintext passwords for {hosts} were removed; docker, podman "
            "and skopeo now ask dtr-desktop for them."
        )
        return "\n".join([head, *lines])


@dataclass(frozen=True, slots=True)
class DockerLink:
    """What *Use with Docker* changed, and which integration docker will get.

    ``answered_by`` differs from the integration asked for when an older
    integration for the same registry has a user name: the helper answers
    with that one.
    """

    integration: str
    server: str
    changes: tuple[FileChange, ...]
    answered_by: str | None


@dataclass(frozen=True, slots=True)
class DockerState:
    """Which files send an integration's registry to the helper, and who answers.

    ``answered_by`` is the integration the helper gives docker for that
    registry; ``sharing`` names every integration for the same registry
    (oldest first), so a clash can be shown.
    """

    enabled: dict[FileKind, bool]
    answered_by: str | None
    sharing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote; ``left_out_why`` gives a reason per ``left_out``."""

    path: Path
    format: ExportFormat
    integrations: tuple[str, ...]
    left_out: tuple[str, ...]
    warning: str = EXPORT_WARNING
    left_out_why: tuple[str, ...] = ()

    @property
    def left_out_text(self) -> str:
        """``"Mirror (no user name), Stage (same registry as Prod)"``."""
        reasons = self.left_out_why or ("",) * len(self.left_out)
        return ", ".join(
            f"{name} ({why})" if why else name
            for name, why in zip(self.left_out, reasons, strict=True)
        )


# ---------------------------------------------------------------- service


class DockerInteropService:
    """Import, export and *Use with Docker* over one ``Services``.

    ``env`` replaces ``os.environ`` for finding the files (tests, and a
    window that wants a fixed view); ``helper_timeout`` limits every call of
    another credential helper.
    """

    def __init__(
        self,
        services: Services,
        env: Mapping[str, str] | None = None,
        helper_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._services = services
        self._env = env
        self._helper_timeout = helper_timeout

    # -- where

    def credential_files(self) -> list[CredentialFile]:
        """The files an import reads by default, existing or not."""
        return credential_files(self._env)

    def docker_config_file(self) -> CredentialFile:
        return CredentialFile(docker_config_path(self._env), "docker")

    def containers_auth_file(self) -> CredentialFile:
        """The containers file *Use with Docker* writes: the one that persists."""
        paths = containers_auth_paths(self._env)
        chosen = paths[0] if self._env_get("REGISTRY_AUTH_FILE") else paths[-1]
        return CredentialFile(chosen, "containers")

    def _env_get(self, name: str) -> str | None:
        return (os.environ if self._env is None else self._env).get(name)

    # -- the helper program

    def helper_setup(self) -> HelperSetup:
        """Whether docker can run our helper, and how to make it able to."""
        search = self._env_get("PATH") or os.environ.get("PATH", os.defpath)
        found = shutil.which(HELPER_PROGRAM, path=search)
        installed = Path(sysconfig.get_path("scripts")) / HELPER_PROGRAM
        home = Path(self._env_get("HOME") or Path.home())
        link_folder = home / ".local" / "bin"
        on_path = any(
            _same_folder(Path(entry).expanduser(), link_folder)
            for entry in search.split(os.pathsep)
            if entry
        )
        return HelperSetup(
            Path(found) if found else None,
            installed if os.access(installed, os.X_OK) else None,
            link_folder,
            on_path,
        )

    def require_helper(self) -> HelperSetup:
        """Refuse with ``HelperNotOnPath`` unless docker can run the helper."""
        setup = self.helper_setup()
        if setup.found is None:
            log.warning("%s is not on PATH", HELPER_PROGRAM)
            raise HelperNotOnPath(setup)
        return setup

    def link_helper(self) -> Path:
        """Link the installed helper into ``~/.local/bin`` (which is on PATH)."""
        setup = self.helper_setup()
        if setup.found is not None:
            return setup.found
        if not setup.can_link or setup.installed is None:
            raise HelperNotOnPath(setup)
        link = setup.link_folder / HELPER_PROGRAM
        try:
            setup.link_folder.mkdir(parents=True, exist_ok=True)
            link.symlink_to(setup.installed)
        except OSError as error:
            raise DockerInteropError(
                f"{link} could not be created ({error.strerror}). "
                f"Link it by hand: ln -s {setup.installed} {setup.link_folder}/"
            ) from None
        log.info("linked %s into %s", HELPER_PROGRAM, setup.link_folder)
        return link

    # -- import

    def preview_import(
        self, files: Sequence[CredentialFile] | None = None
    ) -> list[ImportCandidate]:
        """Every login found in ``files`` (default: all known files).

        Asks other credential helpers (``credsStore``, ``credHelpers``) for
        their secrets, so it can take seconds; nothing is saved.
        """
        chosen = self.credential_files() if files is None else list(files)
        by_host = self._names_by_host()
        candidates: list[ImportCandidate] = []
        for file in chosen:
            for login in read_logins(file, self._helper_timeout):
                candidates.append(_candidate(login, by_host, len(candidates)))
        candidates = _mark_repeats(candidates)
        log.info("import preview: %d entries", len(candidates))
        return candidates

    def apply_import(self, choices: Sequence[ImportChoice]) -> ImportReport:
        """Save the chosen logins; each entry succeeds or fails on its own."""
        outcomes = [self._apply_one(choice) for choice in choices]
        report = ImportReport(tuple(outcomes))
        log.info(
            "import: %d created, %d updated, %d failed",
            len(report.created),
            len(report.updated),
            len(report.failed),
        )
        return report

    def remove_plaintext(self, report: ImportReport) -> list[FileChange]:
        """Remove imported plaintext secrets from their files; use the helper.

        Each file is rewritten once, with a backup, and its registries get a
        ``credHelpers`` entry for ``dtr-desktop`` so that docker and podman
        keep working without the plaintext.
        """
        if report.plaintext_left:
            self.require_helper()
        hosts: dict[tuple[Path, FileKind], set[str]] = {}
        for candidate in report.plaintext_left:
            hosts.setdefault((candidate.source, candidate.kind), set()).add(
                candidate.host_key
            )
        changes = []
        for (path, kind), keys in hosts.items():
            change = move_to_helper(path, keys, kind)
            if change is not None:
                changes.append(change)
        return changes

    def clear_plaintext(self, report: ImportReport) -> PlaintextRemoval:
        """``remove_plaintext``, then what is still written in the files read."""
        changes = self.remove_plaintext(report)
        removed = sorted({c.host_key for c in report.plaintext_left})
        sources = dict.fromkeys(o.candidate.source for o in report.outcomes)
        left = []
        for path in sources:
            servers = _plaintext_servers(path)
            if servers:
                left.append((path, tuple(servers)))
        return PlaintextRemoval(tuple(changes), tuple(removed), tuple(left))

    def delete_backups(self, removal: PlaintextRemoval) -> list[Path]:
        """Delete the backups that still hold the removed passwords."""
        deleted = []
        for backup in removal.backups:
            try:
                backup.unlink(missing_ok=True)
            except OSError as error:
                raise DockerInteropError(
                    f"{backup} could not be deleted ({error.strerror}); delete "
                    "it by hand: it holds the removed passwords."
                ) from None
            log.info("deleted the backup %s", backup)
            deleted.append(backup)
        return deleted

    def _apply_one(self, choice: ImportChoice) -> ImportOutcome:
        candidate = choice.candidate
        if choice.action == "skip":
            return ImportOutcome(candidate, "skip")
        if candidate.problem is not None:
            return ImportOutcome(candidate, choice.action, error=candidate.problem)
        try:
            if choice.action == "update":
                saved = self._update_from(candidate, choice.target)
            else:
                saved = self._create_from(candidate)
        except DtrDesktopError as error:
            return ImportOutcome(candidate, choice.action, error=str(error))
        return ImportOutcome(candidate, choice.action, integration=saved.name)

    def _create_from(self, candidate: ImportCandidate) -> Integration:
        draft = IntegrationDraft(
            name=self._free_name(candidate.host_key),
            provider=HELPER_PROVIDER,
            url=registry_url(candidate.server, candidate.host_key),
            username=candidate.username,
            insecure=candidate.server.lower().startswith("http://"),
        )
        return self._services.integrations.add(draft, candidate.secret)

    def _update_from(
        self, candidate: ImportCandidate, target: str | None
    ) -> Integration:
        name = target or (candidate.existing[0] if candidate.existing else None)
        if name is None:
            raise DockerInteropError(
                f"There is no integration for {candidate.host_key} to update; "
                "choose Create instead."
            )
        current = self._services.integrations.get(name)
        draft = replace(current.draft(), username=candidate.username)
        return self._services.integrations.edit(current.id, draft, candidate.secret)

    def _names_by_host(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for integration in self._services.integrations.list():
            host = registry_host_key(integration.url)
            found.setdefault(host, []).append(integration.name)
        return found

    def _free_name(self, host_key: str) -> str:
        """A unique integration name derived from the registry's host."""
        taken = {name_key(i.name) for i in self._services.integrations.list()}
        base = host_key[:NAME_MAX]
        if name_key(base) not in taken:
            return base
        for number in range(2, 10_000):
            suffix = f" ({number})"
            name = base[: NAME_MAX - len(suffix)] + suffix
            if name_key(name) not in taken:
                return name
        raise DockerInteropError(f"No free integration name for {host_key}.")

    # -- Use with Docker

    def enable_docker(
        self, name: str, targets: Sequence[FileKind] = ("docker",)
    ) -> DockerLink:
        """Send the integration's registry to the ``dtr-desktop`` helper.

        ``targets`` picks the docker config file, the containers auth file,
        or both. Other keys of the files are kept; each write has a backup.
        """
        integration = self._services.integrations.get(name)
        self.require_helper()
        host = registry_host_key(integration.url)
        changes = []
        for file in self._target_files(targets):
            change = enable_helper(file.path, host, file.kind)
            if change is not None:
                changes.append(change)
        log.info("integration %s enabled for docker", integration.id)
        return DockerLink(
            integration.name,
            docker_server_key(host),
            tuple(changes),
            self._answered_by(host),
        )

    def disable_docker(
        self, name: str, targets: Sequence[FileKind] = ("docker", "containers")
    ) -> list[FileChange]:
        """Remove the registry's ``dtr-desktop`` helper entries from the files."""
        integration = self._services.integrations.get(name)
        host = registry_host_key(integration.url)
        changes = []
        for file in self._target_files(targets):
            change = disable_helper(file.path, host)
            if change is not None:
                changes.append(change)
        log.info("integration %s disabled for docker", integration.id)
        return changes

    def docker_enabled(self, name: str) -> dict[FileKind, bool]:
        """Whether each file sends the integration's registry to our helper."""
        integration = self._services.integrations.get(name)
        host = registry_host_key(integration.url)
        found: dict[FileKind, bool] = {}
        for file in self._target_files(("docker", "containers")):
            try:
                found[file.kind] = uses_helper(file.path, host)
            except ConfigFileError:
                found[file.kind] = False
        return found

    def docker_state(self, name: str) -> DockerState:
        """``docker_enabled`` plus which integration docker actually gets."""
        from dtr_desktop.store.queries import IntegrationStore

        enabled = self.docker_enabled(name)
        host = registry_host_key(self._services.integrations.get(name).url)
        with self._services.session() as session:
            rows = IntegrationStore(session).rows_by_host(host)
            sharing = tuple(row.name for row in rows)
        return DockerState(enabled, self._answered_by(host), sharing)

    def _target_files(self, targets: Sequence[FileKind]) -> list[CredentialFile]:
        files = []
        if "docker" in targets:
            files.append(self.docker_config_file())
        if "containers" in targets:
            files.append(self.containers_auth_file())
        return files

    def _answered_by(self, host_key: str) -> str | None:
        chosen = self.integration_for_server(host_key)
        return chosen.name if chosen else None

    # -- the credential helper's store and erase

    def integration_for_server(self, server_url: str) -> Integration | None:
        """The integration the credential helper answers with for a server.

        The oldest integration for the registry that has a user name, else
        the oldest one; ``store_lookup`` makes the same choice in SQL.
        """
        from dtr_desktop.store.queries import IntegrationStore, to_integration

        host = _host_or_error(server_url)
        with self._services.session() as session:
            rows = IntegrationStore(session).rows_by_host(host)
            if not rows:
                return None
            row = min(rows, key=lambda r: (r.username == "", r.created_at, r.id))
            return to_integration(row)

    def store_login(self, server_url: str, username: str, secret: str) -> Integration:
        """``docker login``: update the registry's integration, or create one."""
        host = _host_or_error(server_url)
        current = self.integration_for_server(server_url)
        if current is not None:
            draft = replace(current.draft(), username=username)
            return self._services.integrations.edit(current.id, draft, secret)
        draft = IntegrationDraft(
            name=self._free_name(host),
            provider=HELPER_PROVIDER,
            url=registry_url(server_url, host),
            username=username,
            insecure=server_url.strip().lower().startswith("http://"),
        )
        return self._services.integrations.add(draft, secret)

    def erase_login(self, server_url: str) -> Integration | None:
        """``docker logout``: delete the registry's integration.

        Refused with ``IntegrationInUse`` (naming the subscriptions) while
        subscriptions use it; ``None`` when there was nothing to erase.
        """
        current = self.integration_for_server(server_url)
        if current is None:
            return None
        self._services.integrations.delete(current.id)
        return current

    # -- export

    def export(
        self,
        subscription: str,
        format: ExportFormat,
        path: Path,
        *,
        overwrite: bool = False,
        secret_name: str | None = None,
    ) -> ExportResult:
        """Write the subscription's logins for CI; see ``EXPORT_WARNING``.

        The file is created with mode 0600 (an existing file is replaced only
        with ``overwrite``). Integrations without a user name or stored
        password are left out and named in the result.
        """
        if format not in EXPORT_FORMATS:
            raise DockerInteropError(
                f"Unknown export format {format!r}; use {', '.join(EXPORT_FORMATS)}."
            )
        if path.exists() and not overwrite:
            raise DockerInteropError(
                f"{path} exists; choose another file or allow replacing it."
            )
        chosen = self._services.subscriptions.get(subscription)
        auths, used, left_out = self._export_auths(chosen.integrations)
        names = tuple(name for name, _ in left_out)
        reasons = tuple(why for _, why in left_out)
        if not auths:
            raise DockerInteropError(
                f"Subscription {chosen.name!r} has no integration with a user name "
                "and password to export."
            )
        config = {"auths": auths}
        if format == "k8s-secret":
            text = kubernetes_secret(secret_name or chosen.name, config)
        else:
            text = json.dumps(config, indent="\t") + "\n"
        try:
            write_private_file(path, text.encode("utf-8"))
        except OSError as error:
            raise DockerInteropError(
                f"{path} could not be written ({error.strerror}); choose a file in "
                "a folder you can write to."
            ) from None
        log.info("exported subscription %s as %s", chosen.id, format)
        return ExportResult(path, format, tuple(used), names, left_out_why=reasons)

    def _export_auths(
        self, names: Sequence[str]
    ) -> tuple[dict[str, dict[str, str]], list[str], list[tuple[str, str]]]:
        """The ``auths`` entries, who is in them, and (name, why) left out."""
        auths: dict[str, dict[str, str]] = {}
        owners: dict[str, str] = {}
        left_out: list[tuple[str, str]] = []
        for name in names:
            integration = self._services.integrations.get(name)
            server = docker_server_key(registry_host_key(integration.url))
            secret = self._services.integrations.password(integration.id)
            why = _export_problem(integration, secret, owners.get(server))
            if why is not None:
                left_out.append((integration.name, why))
                continue
            auths[server] = _auth_entry(integration.username, secret or "")
            owners[server] = integration.name
        return auths, list(owners.values()), left_out


# ---------------------------------------------------------------- helpers


def _plaintext_servers(path: Path) -> list[str]:
    """The ``auths`` keys of a file that still carry a secret in plaintext."""
    try:
        config = read_config(path)
    except ConfigFileError:
        return []
    auths = config.get("auths") if config else None
    if not isinstance(auths, dict):
        return []
    return [
        server
        for server, entry in auths.items()
        if isinstance(entry, dict) and any(entry.get(f) for f in PLAINTEXT_FIELDS)
    ]


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return one == other


def registry_url(server: str, host_key: str) -> str:
    """The integration URL for a login docker keyed by ``server``."""
    if host_key == DOCKER_HUB_HOST:
        return DOCKER_HUB_URL
    scheme = "http" if server.strip().lower().startswith("http://") else "https"
    return normalize_url(f"{scheme}://{host_key}")


def _host_or_error(server_url: str) -> str:
    """The host key of a server docker names; refuses what a URL may not hold."""
    try:
        normalize_url(server_url)
        host = registry_host_key(server_url)
    except ValueError as error:
        raise ValidationError({"server": str(error)}) from None
    if not host:
        raise ValidationError({"server": "Give the registry's host name."})
    return host


def _export_problem(
    integration: Integration, secret: str | None, exported_as: str | None
) -> str | None:
    """Why an integration cannot go into an export; ``None`` when it can.

    A docker config holds one login per registry, so a second integration
    for a registry already exported is left out, naming the one that is in.
    """
    if exported_as is not None:
        return f"same registry as {exported_as}, which is exported"
    if not integration.username:
        return "no user name"
    if not secret:
        return "no saved password"
    return None


def _auth_entry(username: str, secret: str) -> dict[str, str]:
    if username == IDENTITY_TOKEN_USERNAME:
        return {"auth": encode_auth(username, ""), "identitytoken": secret}
    return {"auth": encode_auth(username, secret)}


def _candidate(
    login: FoundLogin, by_host: Mapping[str, list[str]], index: int
) -> ImportCandidate:
    host = login.host_key
    problem = login.problem or _login_problem(login, host)
    return ImportCandidate(
        key=f"{index}:{login.source}:{login.server}",
        source=login.source,
        kind=login.kind,
        server=login.server,
        host_key=host,
        origin=login.origin,
        username=login.username,
        plaintext=login.plaintext,
        existing=tuple(by_host.get(host, ())),
        problem=problem,
        secret=login.secret if problem is None else "",
    )


def _login_problem(login: FoundLogin, host: str) -> str | None:
    if not host:
        return f"{login.server!r} is not a registry address"
    try:
        registry_url(login.server, host)
    except ValueError as error:
        return f"{login.server!r} is not a registry address: {error}"
    if not login.username:
        return "there is no user name"
    why = username_error(login.username, HELPER_PROVIDER)
    why = why or password_error(login.secret, login.username)
    return why


_K8S_LABEL_JUNK_RE = re.compile(r"[^a-z0-9]+")
K8S_NAME_MAX = 253


def kubernetes_name(text: str) -> str:
    """A valid Kubernetes object name (DNS-1123 subdomain) made from ``text``.

    Accents are dropped (``Ünïcode`` → ``unicode``); every dot-separated
    label starts and ends with a letter or digit.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    labels = [
        _K8S_LABEL_JUNK_RE.sub("-", label).strip("-")
        for label in ascii_text.decode("ascii").lower().split(".")
    ]
    name = ".".join(label for label in labels if label)[:K8S_NAME_MAX]
    return name.strip("-.") or "registry-credentials"


def _mark_repeats(candidates: list[ImportCandidate]) -> list[ImportCandidate]:
    """A registry listed twice (two files, two spellings) is imported once."""
    first: dict[str, ImportCandidate] = {}
    marked: list[ImportCandidate] = []
    for candidate in candidates:
        earlier = first.get(candidate.host_key) if candidate.importable else None
        if earlier is None:
            if candidate.importable:
                first[candidate.host_key] = candidate
            marked.append(candidate)
            continue
        problem = (
            f"the same registry as {earlier.server} in {earlier.source}, "
            "which is imported instead"
        )
        marked.append(replace(candidate, problem=problem, secret=""))
    return marked


def kubernetes_secret(name: str, docker_config: Mapping[str, object]) -> str:
    """A ``kubernetes.io/dockerconfigjson`` Secret manifest (YAML)."""
    payload = json.dumps(docker_config, separators=(",", ":")).encode("utf-8")
    encoded = base64.b64encode(payload).decode("ascii")
    return (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        f"  name: {kubernetes_name(name)}\n"
        "type: kubernetes.io/dockerconfigjson\n"
        "data:\n"
        f"  .dockerconfigjson: {encoded}\n"
    )
