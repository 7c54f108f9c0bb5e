"""The account's integrations as a table model that sorts and filters itself.

Large accounts (the benchmark uses 100,000 integrations) must stay quick and
small. The model reads the listed integrations column by column from an
``IntegrationRows`` (shared with ``AccountData``: no ``Integration`` object
per row), keeps one prepared lowercase string per row while a filter is
set, and the rows shown as slot numbers in an ``array``: sorted, narrowed by the
filter. Sorting is one Python sort on a key; filtering is one pass over the
prepared strings (a ``QSortFilterProxyModel`` would call Python once per
row, ~0.5 s per keystroke); Qt asks Python only for the visible cells. One
changed integration is put in or taken out at its place, not reloaded.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
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

from dtr_desktop.domain.integration_rows import (
    INSECURE,
    MANAGED,
    NEVER,
    IntegrationRows,
)
from dtr_desktop.domain.validation import name_key
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

_anonymous_allowed: dict[str, bool] = {}


def _sign_in_needed(provider: str, username: str) -> bool:
    if username:
        return False
    allowed = _anonymous_allowed.get(provider)
    if allowed is None:
        from dtr_desktop.domain.providers import provider_by_id

        try:
            allowed = provider_by_id(provider).anonymous_allowed
        except KeyError:
            allowed = True
        _anonymous_allowed[provider] = allowed
    return not allowed


def needs_sign_in(item: Integration) -> bool:
    """No user name on a type of registry that does not allow anonymous use."""
    return _sign_in_needed(item.provider, item.username)


# The Status column's words where the usual label would not fit beside the
# time; the tooltip and the dialogs keep the full wording.
SHORT_LABELS = {
    "unverified": "Not checked",
    "bad-credentials": "Sign-in refused",
    "untrusted-certificate": "Untrusted certificate",
    "name-mismatch": "Wrong certificate name",
}


def _label(provider: str, username: str, outcome: str | None) -> str:
    if _sign_in_needed(provider, username):
        return SIGN_IN_NEEDED
    if outcome is None:
        return ""
    return SHORT_LABELS.get(outcome) or outcome_label(outcome)


def status_label(item: Integration) -> str:
    return _label(item.provider, item.username, item.last_test_outcome)


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

# More rows than this changing at once repaint the whole Status column: one
# signal instead of a search through 100,000 shown rows for each.
_FEW = 8


class IntegrationTableModel(QAbstractTableModel):
    """Read-only rows of integrations, sorted and filtered here.

    ``_rows`` holds the integrations by slot, ``_haystacks`` the filter's
    string of each slot (without the type, matched by provider) while a
    filter is set: ~11 MB for 100,000 rows, made on the first keystroke
    (~40 ms) and dropped when the filter is cleared; ``_order`` holds the
    live slots sorted by the chosen column and ``_shown`` those that match
    the filter (the same array when there is none). Row ``r`` of the model
    is slot ``_shown[r]``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = IntegrationRows()
        self._haystacks: list[str] | None = None
        self._providers: set[str] | None = None  # every provider in the rows
        self._order = array("i")
        self._shown = self._order
        self._needle = ""
        self._sort: tuple[int, Qt.SortOrder] = (NAME, Qt.SortOrder.AscendingOrder)
        self._testing: set[str] = set()

    def set_integrations(self, integrations: Sequence[Integration]) -> None:
        """Show these integrations (a copy, kept by this model alone)."""
        self.set_rows(IntegrationRows.of(integrations))

    def set_rows(self, rows: IntegrationRows) -> None:
        """Show ``rows``; the owner reports its changes with ``placed``,
        ``removed`` and ``tests_recorded``."""
        self.beginResetModel()
        self._rows = rows
        self._haystacks = None
        self._providers = None
        self._order = self._sorted_slots(*self._sort)
        self._shown = self._matching(self._order, self._needle)
        self.endResetModel()

    def rows(self) -> IntegrationRows:
        return self._rows

    def integration_at(self, row: int) -> Integration:
        return self._rows.integration(self._shown[row])

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
        if not needle:
            self._haystacks = None
        self._move_persistent_indexes(persistent, kept)
        self.layoutChanged.emit()

    def filter_text(self) -> str:
        return self._needle

    def source_count(self) -> int:
        """How many integrations there are, shown or not."""
        return len(self._rows)

    def _matching(self, slots: array[int], needle: str) -> array[int]:
        if not needle:
            return self._order
        haystacks = self._prepared_haystacks()
        types = self._providers_matching(needle)
        if not types:
            return array("i", [i for i in slots if needle in haystacks[i]])
        providers = self._rows.providers
        return array(
            "i", [i for i in slots if needle in haystacks[i] or providers[i] in types]
        )

    def _prepared_haystacks(self) -> list[str]:
        if self._haystacks is None:
            rows = self._rows
            columns = (rows.names, rows.urls, rows.usernames, rows.subscriptions)
            # One pass over the columns (~50 ms for 100,000; a call per slot
            # took twice that). Dropped slots get one too, never searched.
            self._haystacks = [_joined(*each) for each in zip(*columns, strict=True)]
        return self._haystacks

    def _providers_matching(self, needle: str) -> frozenset[str]:
        """The providers whose type label contains ``needle``."""
        if self._providers is None:  # a set over 100,000 rows takes ~1 ms
            self._providers = set(self._rows.providers)
        return frozenset(
            p for p in self._providers if needle in type_label(p).casefold()
        )

    def _matches(self, slot: int) -> bool:
        needle = self._needle
        if needle in _haystack(self._rows, slot):
            return True
        return needle in type_label(self._rows.providers[slot]).casefold()

    # one integration changed ----------------------------------------------

    def put(self, item: Integration) -> None:
        """Add ``item``, or replace the integration with its id, at its place."""
        _old, old_slot, slot = self._rows.put(item)
        self.placed(old_slot, slot)

    def remove(self, integration_id: str) -> None:
        """Take out the integration with this id, if it is here."""
        _old, slot = self._rows.remove(integration_id)
        self.removed(slot)

    def placed(self, old_slot: int, slot: int) -> None:
        """The rows put an integration in ``slot``, emptying ``old_slot``."""
        self.removed(old_slot)
        rows = self._rows
        if self._providers is not None:
            self._providers.add(rows.providers[slot])
        haystacks = self._haystacks
        if haystacks is not None:
            haystacks.extend([""] * (rows.slot_count() - len(haystacks)))
            haystacks[slot] = _haystack(rows, slot)
        at = self._insert_point(self._order, slot)
        if self._shown is self._order:
            self.beginInsertRows(QModelIndex(), at, at)
            self._order.insert(at, slot)
            self.endInsertRows()
            return
        self._order.insert(at, slot)
        if self._matches(slot):
            shown_at = self._insert_point(self._shown, slot)
            self.beginInsertRows(QModelIndex(), shown_at, shown_at)
            self._shown.insert(shown_at, slot)
            self.endInsertRows()

    def removed(self, slot: int) -> None:
        """The rows emptied ``slot`` (-1: nothing to do)."""
        if not 0 <= slot < self._rows.slot_count():
            return
        row = _find(self._shown, slot)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
        at = _find(self._order, slot)
        if at >= 0:
            del self._order[at]
        if self._shown is not self._order and row >= 0:
            del self._shown[row]
        if self._haystacks is not None:
            self._haystacks[slot] = ""
        if row >= 0:
            self.endRemoveRows()

    def _insert_point(self, slots: array[int], slot: int) -> int:
        """Where ``slot`` goes in sorted ``slots`` (after its equals)."""
        column, order = self._sort
        key = self._sort_key(column)
        wanted = key(slot)
        descending = order == Qt.SortOrder.DescendingOrder
        low, high = 0, len(slots)
        while low < high:
            middle = (low + high) // 2
            here = key(slots[middle])
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
        self._statuses_changed(ids)

    def record_test(
        self, integration_id: str, outcome: str, message: str, tested_at: datetime
    ) -> None:
        """One row's new test result, as it arrives (the store has it too)."""
        self._testing.discard(integration_id)
        if self._rows.set_test(integration_id, outcome, message, tested_at) >= 0:
            self._keep_sorted([integration_id])
            self._statuses_changed([integration_id])

    def tests_recorded(self, integration_ids: Iterable[str]) -> None:
        """The rows already hold these results: show them, in one update."""
        ids = set(integration_ids)
        self._testing -= ids
        self._keep_sorted(ids)
        self._statuses_changed(ids)

    def _keep_sorted(self, ids: Iterable[str]) -> None:
        """Move rows whose Status changed to their place when sorted by it.

        Each row is taken out and put back by bisection (a few per batch of
        Test all); sorting all 100,000 rows again per batch took far longer.
        """
        if self._sort[0] != STATUS:
            return
        slots = [s for s in map(self._rows.slot_of, ids) if s >= 0]
        if not slots:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [self._shown[index.row()] for index in persistent]
        filtered = self._shown is not self._order
        for slot in slots:
            _move_to_place(self._order, slot, self._insert_point)
            if filtered and _find(self._shown, slot) >= 0:
                _move_to_place(self._shown, slot, self._insert_point)
        self._move_persistent_indexes(persistent, kept)
        self.layoutChanged.emit()

    def _statuses_changed(self, ids: set[str] | list[str]) -> None:
        if not self._shown:
            return
        if len(ids) > _FEW:
            top = self.index(0, STATUS)
            self.dataChanged.emit(top, self.index(len(self._shown) - 1, STATUS))
            return
        for integration_id in ids:
            row = self.row_of(integration_id)
            if row >= 0:
                index = self.index(row, STATUS)
                self.dataChanged.emit(index, index)

    def row_of(self, integration_id: str) -> int:
        """The row showing this integration; -1 when filtered out or unknown."""
        slot = self._rows.slot_of(integration_id)
        return -1 if slot < 0 else _find(self._shown, slot)

    def names(self) -> list[str]:
        rows = self._rows
        return [rows.names[slot] for slot in rows.by_name]

    def haystack(self, row: int) -> str:
        slot = self._shown[row]
        kind = type_label(self._rows.providers[slot]).casefold()
        return f"{_haystack(self._rows, slot)}\n{kind}"

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
        slot = self._shown[index.row()]
        column = index.column()
        if role == _DISPLAY_ROLE:
            return self._display(slot, column)
        if role == _DECORATION_ROLE:
            return self._decoration(slot, column)
        if role == _FOREGROUND_ROLE:
            return self._foreground(slot, column)
        if role == _ALIGNMENT_ROLE:
            return Qt.AlignmentFlag.AlignCenter if column == SUBSCRIPTIONS else None
        if role == _HAYSTACK_ROLE:
            return self.haystack(index.row())
        item = self._rows.integration(slot)
        if role == _INTEGRATION_ROLE:
            return item
        return _tooltip(item, column)

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
        self._order = self._sorted_slots(column, order)
        self._shown = (
            self._matching(self._order, self._needle) if filtered else self._order
        )
        self._move_persistent_indexes(persistent, kept)
        self.layoutChanged.emit()

    # cells --------------------------------------------------------------

    def _display(self, slot: int, column: int) -> Any:
        rows = self._rows
        if column == NAME:
            return rows.names[slot]
        if column == TYPE:
            return type_label(rows.providers[slot])
        if column == URL:
            return rows.urls[slot]
        if column == USERNAME:
            return rows.usernames[slot] or "anonymous"
        if column == SUBSCRIPTIONS:
            return len(rows.subscriptions[slot])
        if self._testing and rows.id_at(slot) in self._testing:
            return TESTING
        return self._status_text(slot)

    def _status_label(self, slot: int) -> str:
        rows = self._rows
        return _label(rows.providers[slot], rows.usernames[slot], rows.outcomes[slot])

    def _status_text(self, slot: int) -> str:
        label = self._status_label(slot)
        if label and self._rows.tested[slot] != NEVER:
            when = self._rows.tested_at(slot)
            assert when is not None
            return f"{label} · {when_text(when)}"
        return label

    def _decoration(self, slot: int, column: int) -> Any:
        rows = self._rows
        if column == NAME and rows.has_flag(slot, MANAGED):
            return icon("lock")
        if column == URL and rows.has_flag(slot, INSECURE):
            return kind_icon(WARNING)
        outcome = rows.outcomes[slot]
        if column == STATUS and outcome is not None:
            return kind_icon(outcome_kind(outcome))
        return None

    def _foreground(self, slot: int, column: int) -> QColor | None:
        rows = self._rows
        if column == SUBSCRIPTIONS and not rows.subscriptions[slot]:
            return _MUTED
        if column == USERNAME and not rows.usernames[slot]:
            return _MUTED
        if column == URL and rows.has_flag(slot, INSECURE):
            return _INSECURE
        return None

    # sorting ------------------------------------------------------------

    def _sort_key(self, column: int) -> Callable[[int], Any]:
        rows = self._rows
        names, providers = rows.names, rows.providers
        if column == NAME:
            return lambda s: name_key(names[s])
        if column == TYPE:
            return lambda s: (type_label(providers[s]).casefold(), names[s].casefold())
        if column == URL:
            return lambda s: (rows.urls[s], names[s].casefold())
        if column == USERNAME:
            return lambda s: (rows.usernames[s].casefold(), names[s].casefold())
        if column == SUBSCRIPTIONS:
            return lambda s: (len(rows.subscriptions[s]), names[s].casefold())
        return lambda s: (self._status_label(s), names[s].casefold())

    def _sorted_slots(self, column: int, order: Qt.SortOrder) -> array[int]:
        live = self._rows.by_name
        descending = order == Qt.SortOrder.DescendingOrder
        if column == NAME:
            # The rows are kept in this order (names are unique by the key).
            return array("i", reversed(live) if descending else live)
        key = self._sort_key(column)
        keys = {slot: key(slot) for slot in live}
        return array("i", sorted(live, key=keys.__getitem__, reverse=descending))

    def _move_persistent_indexes(
        self, old_indexes: list[QModelIndex], slots: list[int]
    ) -> None:
        if not old_indexes:
            return
        row_of = _rows_of_slots(self._shown, set(slots))
        new_indexes = [
            self.index(row_of[p], index.column()) if p in row_of else QModelIndex()
            for index, p in zip(old_indexes, slots, strict=True)
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)


def _haystack(rows: IntegrationRows, slot: int) -> str:
    """What the filter looks in: the type label is matched by provider."""
    return _joined(
        rows.names[slot],
        rows.urls[slot],
        rows.usernames[slot],
        rows.subscriptions[slot],
    )


def _joined(name: str, url: str, username: str, users: tuple[str, ...]) -> str:
    if users:
        return "\n".join((name, url, username, *users)).casefold()
    return f"{name}\n{url}\n{username}".casefold()


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


def _find(slots: array[int], slot: int) -> int:
    """Where ``slot`` is in ``slots``, or -1.

    ``array.index`` makes a Python int of every item it passes (~4 ms over
    100,000); a search of the array's bytes takes ~0.1 ms.
    """
    data = slots.tobytes()
    wanted = array("i", (slot,)).tobytes()
    size = slots.itemsize
    at = data.find(wanted)
    while at >= 0 and at % size:  # a match across two items
        at = data.find(wanted, at + 1)
    return at // size if at >= 0 else -1


def _move_to_place(
    slots: array[int], slot: int, place: Callable[[array[int], int], int]
) -> None:
    """Take ``slot`` out of sorted ``slots`` and put it back where it sorts."""
    at = _find(slots, slot)
    if at >= 0:
        del slots[at]
        slots.insert(place(slots, slot), slot)


def _rows_of_slots(shown: array[int], wanted: set[int]) -> dict[int, int]:
    """Where each of ``wanted`` is in ``shown`` (missing when filtered out).

    A view holds a few persistent indexes (its current and selected rows):
    a C-level ``index`` per slot beats one Python pass over 100,000.
    """
    if len(wanted) > _FEW:
        return {p: row for row, p in enumerate(shown) if p in wanted}
    found = {}
    for p in wanted:
        row = _find(shown, p)
        if row >= 0:
            found[p] = row
    return found


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
