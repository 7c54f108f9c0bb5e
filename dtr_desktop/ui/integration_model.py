"""The account's integrations as a table model, and its filter.

Large accounts (the benchmark uses 100,000 integrations) must stay quick, so
the model keeps one ``Integration`` per row and answers each cell from a
per-column function; sorting happens once in Python on a key, not through
millions of proxy comparisons, and the filter checks one prepared string
per row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from dtr_desktop.domain.providers import PROVIDERS
from dtr_desktop.domain.values import Integration
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.registry_calls import (
    WARNING,
    kind_icon,
    local_time,
    outcome_kind,
    outcome_label,
    when_text,
)

AnyIndex = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole

NAME, TYPE, URL, USERNAME, SUBSCRIPTIONS, STATUS = range(6)
HEADERS = ("Name", "Type", "Registry URL", "Username", "Subscriptions", "Status")
IntegrationRole = Role.UserRole + 1
HaystackRole = Role.UserRole + 2

_LABELS = {provider.id: provider.label for provider in PROVIDERS}
TESTING = "Testing…"
INSECURE_TIP = "Insecure registry: the password is sent over plain http."
MANAGED_TIP = (
    "Managed by your administrator's policy: its name, type and URL "
    "cannot be changed here."
)
LOCKED_TIP = (
    "Managed by your administrator's policy, which sets this registry up for "
    "everyone on this computer: its name, type and URL are locked and it "
    "cannot be deleted. You enter only your own user name and password."
)
UNLOCKED_TIP = (
    "Set up by your administrator's policy. You may edit it, but the policy "
    "puts its name, type and URL back each time dtr-desktop starts."
)


def managed_tip(item: Integration) -> str | None:
    """Why a managed integration behaves as it does; None for the user's own."""
    if not item.managed:
        return None
    return LOCKED_TIP if item.locked else UNLOCKED_TIP


def type_label(provider_id: str) -> str:
    return _LABELS.get(provider_id, provider_id)


def status_label(item: Integration) -> str:
    if item.last_test_outcome is None:
        return ""
    return outcome_label(item.last_test_outcome)


def status_text(item: Integration) -> str:
    """The last test's result and when it ran, e.g. ``Connected · 14:05``."""
    label = status_label(item)
    if label and item.last_tested_at is not None:
        return f"{label} · {when_text(item.last_tested_at)}"
    return label


def status_tooltip(item: Integration) -> str | None:
    if item.last_test_outcome is None:
        return "Not tested yet. Select it and press Test."
    when = ""
    if item.last_tested_at is not None:
        when = f"\nTested {local_time(item.last_tested_at):%Y-%m-%d %H:%M}."
    return f"{item.last_test_message or status_label(item)}{when}"


def users_tooltip(item: Integration) -> str:
    if not item.subscriptions:
        return "No subscription uses this integration."
    return "Used by: " + ", ".join(item.subscriptions)


_DISPLAY: tuple[Callable[[Integration], object], ...] = (
    lambda item: item.name,
    lambda item: type_label(item.provider),
    lambda item: item.url,
    lambda item: item.username or "anonymous",
    lambda item: len(item.subscriptions),
    status_text,
)

_SORT_KEYS: tuple[Callable[[Integration], Any], ...] = (
    lambda item: item.name.casefold(),
    lambda item: (type_label(item.provider).casefold(), item.name.casefold()),
    lambda item: (item.url, item.name.casefold()),
    lambda item: (item.username.casefold(), item.name.casefold()),
    lambda item: (len(item.subscriptions), item.name.casefold()),
    lambda item: (status_label(item), item.name.casefold()),
)


_MUTED = QColor("#94a3b8")
_INSECURE = QColor("#b45309")


def _muted(item: Integration, column: int) -> QColor | None:
    if column == SUBSCRIPTIONS and not item.subscriptions:
        return _MUTED
    if column == USERNAME and not item.username:
        return _MUTED
    if column == URL and item.insecure:
        return _INSECURE
    return None


def _decoration(item: Integration, column: int) -> Any:
    if column == NAME and item.managed:
        return icon("lock")
    if column == URL and item.insecure:
        return kind_icon(WARNING)
    if column == STATUS and item.last_test_outcome is not None:
        return kind_icon(outcome_kind(item.last_test_outcome))
    return None


def _haystack(item: Integration) -> str:
    parts = (item.name, type_label(item.provider), item.url, item.username)
    return "\n".join((*parts, *item.subscriptions)).casefold()


class IntegrationTableModel(QAbstractTableModel):
    """Read-only rows of integrations; changes come from ``set_integrations``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Integration] = []
        self._haystacks: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] = (NAME, Qt.SortOrder.AscendingOrder)
        self._testing: set[str] = set()

    def set_integrations(self, integrations: Sequence[Integration]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(list(integrations), *self._sort)
        self._haystacks = [_haystack(item) for item in self._rows]
        self.endResetModel()

    def integration_at(self, row: int) -> Integration:
        return self._rows[row]

    def set_testing(self, integration_ids: Iterable[str], testing: bool) -> None:
        """Show (or stop showing) "Testing…" in these rows' Status."""
        ids = set(integration_ids)
        if testing:
            self._testing |= ids
        else:
            self._testing -= ids
        for integration_id in ids:
            self._status_changed(self.row_of(integration_id))

    def record_test(
        self, integration_id: str, outcome: str, message: str, tested_at: datetime
    ) -> None:
        """One row's new test result, as it arrives (the store has it too)."""
        self._testing.discard(integration_id)
        row = self.row_of(integration_id)
        if row < 0:
            return
        self._rows[row] = dataclasses.replace(
            self._rows[row],
            last_test_outcome=outcome,
            last_test_message=message,
            last_tested_at=tested_at,
        )
        self._status_changed(row)

    def _status_changed(self, row: int) -> None:
        if row >= 0:
            index = self.index(row, STATUS)
            self.dataChanged.emit(index, index)

    def row_of(self, integration_id: str) -> int:
        for row, item in enumerate(self._rows):
            if item.id == integration_id:
                return row
        return -1

    def names(self) -> list[str]:
        return [item.name for item in self._rows]

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if role == Role.DisplayRole:
            if index.column() == STATUS and self._rows[row].id in self._testing:
                return TESTING
            return _DISPLAY[index.column()](self._rows[row])
        if role == HaystackRole:
            return self._haystacks[row]
        return self._other_data(self._rows[row], index.column(), role)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Role.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Role.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_rows, old_haystacks = self._rows, self._haystacks
        order_of_old = self._sorted_positions(old_rows, column, order)
        self._rows = [old_rows[i] for i in order_of_old]
        self._haystacks = [old_haystacks[i] for i in order_of_old]
        self._move_persistent_indexes(order_of_old)
        self.layoutChanged.emit()

    def _other_data(self, item: Integration, column: int, role: int) -> Any:
        if role == IntegrationRole:
            return item
        if role == Role.ToolTipRole:
            return self._tooltip(item, column)
        if role == Role.DecorationRole:
            return _decoration(item, column)
        if role == Role.TextAlignmentRole and column == SUBSCRIPTIONS:
            return Qt.AlignmentFlag.AlignCenter
        if role == Role.ForegroundRole:
            return _muted(item, column)
        return None

    @staticmethod
    def _tooltip(item: Integration, column: int) -> str | None:
        if column == SUBSCRIPTIONS:
            return users_tooltip(item)
        if column == NAME and item.managed:
            return managed_tip(item)
        if column == STATUS:
            return status_tooltip(item)
        if column == URL and item.insecure:
            return INSECURE_TIP
        return None

    @staticmethod
    def _sorted_positions(
        rows: list[Integration], column: int, order: Qt.SortOrder
    ) -> list[int]:
        key = _SORT_KEYS[column]
        keys = [key(item) for item in rows]
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(rows)), key=keys.__getitem__, reverse=descending)

    def _sorted(
        self, rows: list[Integration], column: int, order: Qt.SortOrder
    ) -> list[Integration]:
        return [rows[i] for i in self._sorted_positions(rows, column, order)]

    def _move_persistent_indexes(self, order_of_old: list[int]) -> None:
        old_indexes = self.persistentIndexList()
        if not old_indexes:
            return
        new_row_of = [0] * len(order_of_old)
        for new_row, old_row in enumerate(order_of_old):
            new_row_of[old_row] = new_row
        new_indexes = [
            self.index(new_row_of[index.row()], index.column()) for index in old_indexes
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)


class IntegrationFilterProxy(QSortFilterProxyModel):
    """Filters on one prepared string per row; sorting goes to the source model.

    The filter is Qt's own (a fixed string on ``HaystackRole``): with no
    filter typed, loading and sorting make no Python call per row.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(HaystackRole)
        self.setFilterKeyColumn(NAME)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)

    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self.filter_text():
            self.setFilterFixedString(needle)

    def filter_text(self) -> str:
        return self.filterRegularExpression().pattern()

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        self.sourceModel().sort(column, order)

    def integration_at(self, proxy_row: int) -> Integration:
        source = self.mapToSource(self.index(proxy_row, 0))
        model = self.sourceModel()
        assert isinstance(model, IntegrationTableModel)
        return model.integration_at(source.row())
