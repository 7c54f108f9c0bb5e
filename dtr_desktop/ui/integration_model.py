"""The account's integrations as a table model that sorts and filters itself.

Large accounts (the benchmark uses 100,000 integrations) must stay quick.
The model keeps the listed integrations (the table's fields only, see
``IntegrationService.listing``), one prepared lowercase string per row for
the filter, and the list of rows shown: sorted positions, narrowed by the
filter. Sorting is one Python sort on a key; filtering is one pass over the
prepared strings (a ``QSortFilterProxyModel`` would call Python once per
row, ~0.5 s per keystroke); Qt asks Python only for the visible cells. One
changed integration is put in or taken out at its place, not reloaded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from dtr_desktop.domain.values import Integration
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.integration_text import INSECURE_TIP, managed_tip, type_label
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

TESTING = "Testing…"


SIGN_IN_NEEDED = "Sign-in needed"
SIGN_IN_TIP = (
    "This type of registry needs a user name and password, and none is set "
    "(an integration your administrator's policy added, for example). Select "
    "it and press Edit to sign in."
)


def needs_sign_in(item: Integration) -> bool:
    """No user name on a type of registry that does not allow anonymous use."""
    if item.username:
        return False
    from dtr_desktop.domain.providers import provider_by_id

    try:
        return not provider_by_id(item.provider).anonymous_allowed
    except KeyError:
        return False


def status_label(item: Integration) -> str:
    if needs_sign_in(item):
        return SIGN_IN_NEEDED
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
    if needs_sign_in(item):
        return SIGN_IN_TIP
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


_DISPLAY_ROLE = int(Role.DisplayRole)
_HAYSTACK_ROLE = int(HaystackRole)
_INTEGRATION_ROLE = int(IntegrationRole)
_TOOLTIP_ROLE = int(Role.ToolTipRole)
_DECORATION_ROLE = int(Role.DecorationRole)
_ALIGNMENT_ROLE = int(Role.TextAlignmentRole)
_FOREGROUND_ROLE = int(Role.ForegroundRole)
_ANSWERED = frozenset(
    (
        _DISPLAY_ROLE,
        _HAYSTACK_ROLE,
        _INTEGRATION_ROLE,
        _TOOLTIP_ROLE,
        _DECORATION_ROLE,
        _ALIGNMENT_ROLE,
        _FOREGROUND_ROLE,
    )
)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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
    """Read-only rows of integrations, sorted and filtered here.

    ``_rows`` and ``_haystacks`` are in the order given; ``_order`` holds
    their positions sorted by the chosen column and ``_shown`` those that
    match the filter (the same list when there is none). Row ``r`` of the
    model is ``_rows[_shown[r]]``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Integration] = []
        self._ids: list[str] = []  # the rows' ids: ``list.index`` finds one in C
        self._haystacks: list[str] = []
        self._order: list[int] = []
        self._shown: list[int] = self._order
        self._needle = ""
        self._sort: tuple[int, Qt.SortOrder] = (NAME, Qt.SortOrder.AscendingOrder)
        self._testing: set[str] = set()

    def set_integrations(self, integrations: Sequence[Integration]) -> None:
        self.beginResetModel()
        self._rows = list(integrations)
        self._ids = [item.id for item in self._rows]
        self._haystacks = [_haystack(item) for item in self._rows]
        self._order = self._sorted_positions(*self._sort)
        self._shown = self._matching(self._order, self._needle)
        self.endResetModel()

    def integration_at(self, row: int) -> Integration:
        return self._rows[self._shown[row]]

    # the filter ---------------------------------------------------------

    def set_filter_text(self, text: str) -> None:
        """Show only the rows whose prepared string contains ``text``."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrowing = bool(self._needle) and self._needle in needle
        # A layout change, not a reset: the view keeps its selection, current
        # row and scroll position, and skips rebuilding itself for every row.
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [self._shown[index.row()] for index in persistent]
        self._shown = self._matching(self._shown if narrowing else self._order, needle)
        self._needle = needle
        self._move_persistent_indexes(persistent, kept)
        self.layoutChanged.emit()

    def filter_text(self) -> str:
        return self._needle

    def source_count(self) -> int:
        """How many integrations there are, shown or not."""
        return len(self._rows)

    def _matching(self, positions: list[int], needle: str) -> list[int]:
        if not needle:
            return self._order
        haystacks = self._haystacks
        return [i for i in positions if needle in haystacks[i]]

    # one integration changed ----------------------------------------------

    def put(self, item: Integration) -> None:
        """Add ``item``, or replace the integration with its id, at its place."""
        self.remove(item.id)
        self._rows.append(item)
        self._ids.append(item.id)
        self._haystacks.append(_haystack(item))
        position = len(self._rows) - 1
        at = self._insert_point(self._order, position)
        if self._shown is self._order:
            self.beginInsertRows(QModelIndex(), at, at)
            self._order.insert(at, position)
            self.endInsertRows()
            return
        self._order.insert(at, position)
        if self._needle in self._haystacks[position]:
            shown_at = self._insert_point(self._shown, position)
            self.beginInsertRows(QModelIndex(), shown_at, shown_at)
            self._shown.insert(shown_at, position)
            self.endInsertRows()

    def remove(self, integration_id: str) -> None:
        """Take out the integration with this id, if it is here."""
        position = self._position_of(integration_id)
        if position < 0:
            return
        row = self._shown.index(position) if position in self._shown else -1
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[position], self._haystacks[position], self._ids[position]
        filtered = self._shown is not self._order
        self._order = _without(self._order, position)
        self._shown = _without(self._shown, position) if filtered else self._order
        if row >= 0:
            self.endRemoveRows()

    def _insert_point(self, positions: list[int], position: int) -> int:
        """Where ``position`` goes in sorted ``positions`` (after its equals)."""
        column, order = self._sort
        key = _SORT_KEYS[column]
        rows = self._rows
        wanted = key(rows[position])
        descending = order == Qt.SortOrder.DescendingOrder
        low, high = 0, len(positions)
        while low < high:
            middle = (low + high) // 2
            here = key(rows[positions[middle]])
            before = here < wanted if descending else wanted < here
            if before:
                high = middle
            else:
                low = middle + 1
        return low

    # test results -------------------------------------------------------

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
        position = self._position_of(integration_id)
        if position < 0:
            return
        self._rows[position] = dataclasses.replace(
            self._rows[position],
            last_test_outcome=outcome,
            last_test_message=message,
            last_tested_at=tested_at,
        )
        self._status_changed(self.row_of(integration_id))

    def _status_changed(self, row: int) -> None:
        if row >= 0:
            index = self.index(row, STATUS)
            self.dataChanged.emit(index, index)

    def row_of(self, integration_id: str) -> int:
        """The row showing this integration; -1 when filtered out or unknown."""
        position = self._position_of(integration_id)
        if position < 0:
            return -1
        try:
            return self._shown.index(position)
        except ValueError:
            return -1

    def _position_of(self, integration_id: str) -> int:
        try:
            return self._ids.index(integration_id)
        except ValueError:
            return -1

    def names(self) -> list[str]:
        return [item.name for item in self._rows]

    def haystack(self, row: int) -> str:
        return self._haystacks[self._shown[row]]

    # Qt's model interface -------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        # Called ~600 times per repaint of the visible rows: roles nothing
        # answers return at once, and the roles are compared as plain ints.
        if role not in _ANSWERED or not index.isValid():
            return None
        item = self._rows[self._shown[index.row()]]
        if role == _DISPLAY_ROLE:
            if index.column() == STATUS and item.id in self._testing:
                return TESTING
            return _DISPLAY[index.column()](item)
        if role == _HAYSTACK_ROLE:
            return self._haystacks[self._shown[index.row()]]
        return self._other_data(item, index.column(), role)

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
        return _ROW_FLAGS

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [self._shown[index.row()] for index in persistent]
        filtered = self._shown is not self._order
        self._sort = (column, order)
        self._order = self._sorted_positions(column, order)
        self._shown = (
            self._matching(self._order, self._needle) if filtered else self._order
        )
        self._move_persistent_indexes(persistent, kept)
        self.layoutChanged.emit()

    def _other_data(self, item: Integration, column: int, role: int) -> Any:
        if role == _INTEGRATION_ROLE:
            return item
        if role == _TOOLTIP_ROLE:
            return self._tooltip(item, column)
        if role == _DECORATION_ROLE:
            return _decoration(item, column)
        if role == _ALIGNMENT_ROLE and column == SUBSCRIPTIONS:
            return Qt.AlignmentFlag.AlignCenter
        if role == _FOREGROUND_ROLE:
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

    def _sorted_positions(self, column: int, order: Qt.SortOrder) -> list[int]:
        key = _SORT_KEYS[column]
        keys = [key(item) for item in self._rows]
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)

    def _move_persistent_indexes(
        self, old_indexes: list[QModelIndex], positions: list[int]
    ) -> None:
        if not old_indexes:
            return
        row_of = _rows_of_positions(self._shown, set(positions))
        new_indexes = [
            self.index(row_of[p], index.column()) if p in row_of else QModelIndex()
            for index, p in zip(old_indexes, positions, strict=True)
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)


def _rows_of_positions(shown: list[int], wanted: set[int]) -> dict[int, int]:
    """Where each of ``wanted`` is in ``shown`` (missing when filtered out).

    A view holds a few persistent indexes (its current and selected rows):
    a C-level ``list.index`` per position beats one Python pass over 100,000.
    """
    if len(wanted) > _FEW:
        return {p: row for row, p in enumerate(shown) if p in wanted}
    found = {}
    for p in wanted:
        with suppress(ValueError):
            found[p] = shown.index(p)
    return found


_FEW = 8


def _without(positions: list[int], gone: int) -> list[int]:
    """``positions`` less ``gone``, the later ones moved down by one."""
    return [p - (p > gone) for p in positions if p != gone]


class IntegrationFilterProxy(QIdentityProxyModel):
    """The model as the table sees it; filtering and sorting go to the model.

    Kept so the page and its callers have one object for the shown rows;
    an identity proxy maps rows in C++, with no Python call per row.
    """

    def _model(self) -> IntegrationTableModel:
        model = self.sourceModel()
        assert isinstance(model, IntegrationTableModel)
        return model

    def set_filter_text(self, text: str) -> None:
        self._model().set_filter_text(text)

    def filter_text(self) -> str:
        return self._model().filter_text()

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        self._model().sort(column, order)

    def integration_at(self, proxy_row: int) -> Integration:
        return self._model().integration_at(proxy_row)
