"""Use with Docker and Import from Docker… on the Integrations page.

*Use with Docker* points a registry at the ``dtr-desktop`` credential helper
in docker's ``config.json`` or the containers auth file (podman, buildah,
skopeo), and takes it back; the page shows which of the two files does so
for the selected integration. The file work happens in workers: the files
may sit on a slow home directory, and the service also reads the database.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
)

from dtr_desktop.domain.values import Integration

if TYPE_CHECKING:
    from dtr_desktop.docker_config.cred_helpers import FileChange
    from dtr_desktop.docker_config.locations import FileKind
    from dtr_desktop.services.docker_interop import (
        DockerInteropService,
        DockerLink,
        DockerState,
    )
    from dtr_desktop.ui.import_dialog import ImportDialog
    from dtr_desktop.ui.integrations_page import IntegrationsPage

log = logging.getLogger(__name__)

KINDS: tuple[FileKind, ...] = ("docker", "containers")
TOOLS = {"docker": "docker", "containers": "podman, buildah and skopeo"}
LINK_TEXT = "Link the helper into ~/.local/bin"
USE_TIP = (
    "Let docker, podman, buildah and skopeo get this integration's login from "
    "dtr-desktop (a credHelpers entry), instead of a password written in "
    "their files."
)


class DockerActions(QObject):
    """The page's docker menu, its state line and the import action."""

    def __init__(self, page: IntegrationsPage, toolbar: QHBoxLayout) -> None:
        super().__init__(page)
        self.page = page
        self.data = page.data
        self.prompter = page.prompter
        self.import_dialog: ImportDialog | None = None
        self.state: dict[FileKind, bool] = {}
        self.docker_state: DockerState | None = None
        self._shown_for: str | None = None
        self._build(toolbar)
        page.table.selectionModel().selectionChanged.connect(self.follow_selection)
        self.data.touched.connect(self.refresh)
        self.refresh()

    @cached_property
    def service(self) -> DockerInteropService:
        from dtr_desktop.services.docker_interop import DockerInteropService

        return DockerInteropService(self.data.services)

    # what the user does -------------------------------------------------

    def set_enabled(self, kind: FileKind, on: bool) -> None:
        """Add or remove the selected integration's helper entry in one file."""
        item = self.page.selected()
        if item is None:
            return
        self._set_busy(True)
        service = self.service
        if on:
            self.data.runner.submit(
                lambda: service.enable_docker(item.name, (kind,)),
                lambda link: self._enabled(item, kind, link),
                lambda error: self._failed(item, error),
            )
        else:
            self.data.runner.submit(
                lambda: service.disable_docker(item.name, (kind,)),
                lambda changes: self._disabled(item, kind, changes),
                lambda error: self._failed(item, error),
            )

    def import_from_docker(self) -> None:
        if self.import_dialog is not None:
            self.import_dialog.raise_()
            return
        if not self.data.is_ready:
            return
        from dtr_desktop.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.page.window(), self.data, self.service)
        dialog.finished.connect(lambda _result: self._import_closed(dialog))
        self.import_dialog = dialog
        dialog.open()
        dialog.start()

    def follow_selection(self) -> None:
        """Refresh when the selection changed without a selection signal.

        A filter that hides the selected row, or an edit or delete, leaves
        the view with no selection but does not say so.
        """
        item = self.page.selected()
        if (item.id if item else None) != self._shown_for:
            self.refresh()

    def refresh(self) -> None:
        """Read, in a worker, which files send the selection to the helper."""
        item = self.page.selected()
        self._shown_for = item.id if item else None
        self.state = {}
        self.docker_state = None
        self._show_state(item)
        if item is None or not self.data.is_ready:
            return
        service = self.service
        self._name_files()
        self.data.runner.submit(
            lambda: service.docker_state(item.name),
            lambda state: self._state_read(item, state),
            lambda error: self._state_failed(item, error),
        )

    # building -----------------------------------------------------------

    def _build(self, toolbar: QHBoxLayout) -> None:
        self.file_actions: dict[FileKind, QAction] = {}
        menu = QMenu(self.page)
        for kind in KINDS:
            action = QAction(f"Use with {TOOLS[kind]}", self)
            action.setCheckable(True)
            action.toggled.connect(lambda on, chosen=kind: self._toggled(chosen, on))
            menu.addAction(action)
            self.file_actions[kind] = action
        menu.addSeparator()
        self.import_action = QAction("Import from Docker…", self)
        self.import_action.setToolTip(
            "Import the logins docker, podman and skopeo already hold"
        )
        self.import_action.triggered.connect(self.import_from_docker)
        menu.addAction(self.import_action)
        self.docker_button = QPushButton("Docker")
        self.docker_button.setObjectName("DockerButton")
        self.docker_button.setToolTip(USE_TIP)
        self.docker_button.setMenu(menu)
        self.status = QLabel()
        self.status.setObjectName("Hint")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        toolbar.addWidget(self.docker_button)
        layout = self.page.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.page.stack), self.status)
        table = self.page.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in self.file_actions.values():
            table.addAction(action)

    def _name_files(self) -> None:
        """Name each file in its action (the service is loaded after start-up)."""
        paths = {
            "docker": self.service.docker_config_file().path,
            "containers": self.service.containers_auth_file().path,
        }
        for kind, action in self.file_actions.items():
            action.setText(f"Use with {TOOLS[kind]} ({_short(paths[kind])})")

    # reacting -----------------------------------------------------------

    def _toggled(self, kind: FileKind, on: bool) -> None:
        if self.state.get(kind) == on:
            return  # set by the state read, not by the user
        self.set_enabled(kind, on)

    def _state_read(self, item: Integration, state: DockerState) -> None:
        if self._shown_for != item.id:
            return
        self.docker_state = state
        self.state = dict(state.enabled)
        self._show_state(item)

    def _state_failed(self, item: Integration, error: Exception) -> None:
        log.warning("reading the docker state failed: %s", type(error).__name__)
        if self._shown_for == item.id:
            self.status.setText("")

    def _show_state(self, item: Integration | None) -> None:
        known = bool(self.state)
        for kind, action in self.file_actions.items():
            action.blockSignals(True)
            action.setChecked(self.state.get(kind, False))
            action.blockSignals(False)
            action.setEnabled(known)
        text = _state_text(item, self.state, self.docker_state) if known else ""
        self.status.setText(text)
        self.status.setVisible(known)

    def _set_busy(self, busy: bool) -> None:
        for action in self.file_actions.values():
            action.setEnabled(not busy)

    def _enabled(self, item: Integration, kind: FileKind, link: DockerLink) -> None:
        text = f"{TOOLS[kind].capitalize()} now asks dtr-desktop for “{item.name}”."
        if link.answered_by and link.answered_by != item.name:
            text += (
                f" For {link.server} it answers with “{link.answered_by}”, the "
                "older integration for this registry that has a user name."
            )
        self.prompter.inform("Use with Docker", text, _changes_text(link.changes))
        self.refresh()

    def _disabled(
        self, item: Integration, kind: FileKind, changes: list[FileChange]
    ) -> None:
        tools = TOOLS[kind].capitalize()
        text = f"{tools} no longer asks dtr-desktop for “{item.name}”."
        self.prompter.inform("Use with Docker", text, _changes_text(changes))
        self.refresh()

    def _failed(self, item: Integration, error: Exception) -> None:
        from dtr_desktop.services.docker_interop import HelperNotOnPath

        if isinstance(error, HelperNotOnPath) and error.setup.can_link:
            self._offer_link(error)
        else:
            unchanged = f"The files for “{item.name}” were not changed."
            self.prompter.error(error, unchanged)
        self.refresh()

    def _offer_link(self, error: Exception) -> None:
        """The helper sits in a venv only: offer to link it where PATH looks."""
        self.prompter.confirm(
            "Use with Docker",
            str(error),
            self.link_helper,
            yes_text=LINK_TEXT,
        )

    def link_helper(self) -> None:
        """Link docker-credential-dtr-desktop into ~/.local/bin, in a worker."""
        service = self.service
        self.data.runner.submit(service.link_helper, self._linked, self._link_failed)

    def _link_failed(self, error: Exception) -> None:
        self.prompter.error(error, "The helper was not linked.")

    def _linked(self, link: Path) -> None:
        self.prompter.inform(
            "Use with Docker",
            f"Linked {link}: docker can now run the dtr-desktop credential "
            "helper. Choose Use with Docker again.",
        )

    def _import_closed(self, dialog: ImportDialog) -> None:
        if self.import_dialog is dialog:
            self.import_dialog = None
        dialog.deleteLater()


def _short(path: Path) -> str:
    """The path with the home folder written as ~, as people know it."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _state_text(
    item: Integration | None,
    state: dict[FileKind, bool],
    docker: DockerState | None = None,
) -> str:
    if item is None:
        return ""
    on = [TOOLS[kind] for kind in KINDS if state.get(kind)]
    if not on:
        return f"“{item.name}” is not used with Docker."
    tools = " and ".join(on).capitalize()
    verb = "uses" if on == ["docker"] else "use"
    answered = docker.answered_by if docker else None
    if answered is None or answered == item.name:
        text = f"{tools} {verb} “{item.name}” through dtr-desktop."
    else:
        text = (
            f"{tools} {verb} “{answered}”, not “{item.name}”, through "
            "dtr-desktop: for one registry it gets the oldest integration with a "
            "user name."
        )
    if docker is not None and len(docker.sharing) > 1:
        names = ", ".join(f"“{name}”" for name in docker.sharing)
        text += (
            f" Warning: {names} share this registry; docker can use only one "
            "login for it."
        )
    return text


def _changes_text(changes: tuple[FileChange, ...] | list[FileChange]) -> str:
    """Which files were written and where their previous versions are."""
    if not changes:
        return "No file needed a change."
    lines = []
    for change in changes:
        line = f"Wrote {change.path}."
        if change.backup is not None:
            line += f" The previous version is saved as {change.backup}."
        lines.append(line)
    return "\n".join(lines)
