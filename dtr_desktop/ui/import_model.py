"""The rows of the import preview: one login each, ticked to import it.

A ticked login for a registry the account already has updates that
integration's user name and password; an unticked one is skipped. Entries
with a problem cannot be ticked and say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from dtr_desktop.ui.integration_model import AnyIndex

if TYPE_CHECKING:
    from dtr_desktop.services.docker_interop import (
        ImportAction,
        ImportCandidate,
        ImportChoice,
    )

Role = Qt.ItemDataRole
REGISTRY, USERNAME, SOURCE, INTEGRATION, PROBLEM = range(5)
HEADERS = ("Registry", "Username", "Found in", "In dtr-desktop", "Problem")
TOKEN_USERNAME = "<token>"
_MUTED = QColor("#94a3b8")
_PROBLEM = QColor("#b91c1c")


def username_text(candidate: ImportCandidate) -> str:
    if candidate.username == TOKEN_USERNAME:
        return "(identity token)"
    return candidate.username or "—"


def source_text(candidate: ImportCandidate) -> str:
    return f"{candidate.source} ({candidate.origin})"


def integration_text(candidate: ImportCandidate, ticked: bool) -> str:
    if candidate.problem is not None:
        return "not importable"
    if not candidate.existing:
        return "new integration" if ticked else "not imported"
    names = ", ".join(f"“{name}”" for name in candidate.existing)
    return f"updates {names}" if ticked else f"exists: {names} (skipped)"


class ImportPreviewModel(QAbstractTableModel):
    """Checkable candidates; ``choices()`` turns the ticks into decisions."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportCandidate] = []
        self._ticked: list[bool] = []

    def set_candidates(self, candidates: Sequence[ImportCandidate]) -> None:
        self.beginResetModel()
        self._rows = list(candidates)
        self._ticked = [c.suggested_action != "skip" for c in self._rows]
        self.endResetModel()

    def candidate_at(self, row: int) -> ImportCandidate:
        return self._rows[row]

    def is_ticked(self, row: int) -> bool:
        return self._ticked[row]

    def set_ticked(self, row: int, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.setData(self.index(row, REGISTRY), state, Role.CheckStateRole)

    def row_of(self, server: str) -> int:
        """The first row for a server key as written in the file; -1 if none."""
        for row, candidate in enumerate(self._rows):
            if candidate.server == server:
                return row
        return -1

    def choices(self) -> list[ImportChoice]:
        from dtr_desktop.services.docker_interop import ImportChoice

        chosen = []
        for candidate, ticked in zip(self._rows, self._ticked, strict=True):
            if ticked and candidate.importable:
                action: ImportAction = "update" if candidate.existing else "create"
                chosen.append(ImportChoice(candidate, action))
        return chosen

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        candidate = self._rows[row]
        if role == Role.DisplayRole:
            return _DISPLAY[column](candidate, self._ticked[row])
        if role == Role.CheckStateRole and column == REGISTRY:
            ticked = self._ticked[row]
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Role.ToolTipRole:
            return candidate.problem or source_text(candidate)
        if role == Role.ForegroundRole:
            return _colour(candidate, column)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Role.EditRole) -> bool:
        if role != Role.CheckStateRole or index.column() != REGISTRY:
            return False
        if not self._rows[index.row()].importable:
            return False
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        self._ticked[index.row()] = ticked
        last = self.index(index.row(), len(HEADERS) - 1)
        self.dataChanged.emit(self.index(index.row(), 0), last)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Role.DisplayRole:
            return None
        return HEADERS[section] if 0 <= section < len(HEADERS) else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == REGISTRY and self._rows[index.row()].importable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


def _colour(candidate: ImportCandidate, column: int) -> QColor | None:
    if candidate.problem is None:
        return None
    return _PROBLEM if column == PROBLEM else _MUTED


_DISPLAY: tuple[Callable[[ImportCandidate, bool], str], ...] = (
    lambda candidate, _ticked: candidate.server,
    lambda candidate, _ticked: username_text(candidate),
    lambda candidate, _ticked: source_text(candidate),
    integration_text,
    lambda candidate, _ticked: candidate.problem or "",
)
