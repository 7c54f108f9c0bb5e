"""The listed integrations kept column by column, for accounts of 100,000.

One frozen ``Integration`` per listed row cost ~150 bytes of object, a
``datetime`` and the list's pointer: with 100,000 rows ~20 MB before any
string. Here each field the lists show is one column (a list of shared
strings, flags in a ``bytearray``, test times as microseconds in an
``array``); an ``Integration`` is built only when a caller asks for a row.

Rows live in *slots*, the columns' indexes. A slot is never reused while
this object lives: a changed integration gets a new slot and its old one
is dropped from the lookups, so views holding slots can tell which one
went (its values stay until the next full load: edits are rare). Lookups by id
bisect the slots sorted by id (O(log n)); ``by_name`` holds the live
slots in the order the store sorts names.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    # Imported when a row is first asked for: the window's first screen
    # holds an empty list, and values (dataclasses, inspect) cost ~9 ms.
    from dtr_desktop.domain.values import Integration

INSECURE, MANAGED, LOCKED = 1, 2, 4
NEVER = -(1 << 63)  # no test yet, in ``tested``

_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def micros(when: datetime | None) -> int:
    """A stored (naive UTC) time as microseconds since 1970; NEVER for None."""
    if when is None:
        return NEVER
    return (when.replace(tzinfo=None) - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime | None:
    return None if value == NEVER else _EPOCH + timedelta(microseconds=value)


def flags_of(item: Integration) -> int:
    return (
        (INSECURE if item.insecure else 0)
        | (MANAGED if item.managed else 0)
        | (LOCKED if item.locked else 0)
    )


class IntegrationRows(Sequence["Integration"]):
    """Listed integrations (the lists' fields only), sorted by name.

    As a sequence it yields ``Integration`` values in name order, with the
    fields a dialog reads itself (e-mail, CA, times of change) left empty.
    """

    def __init__(self) -> None:
        # Ids as stored (32 hex digits) take 16 bytes each here instead of an
        # ~81-byte string; any other id is kept as it is in ``_odd_ids``.
        self._id_bytes = bytearray()
        self._odd_ids: dict[int, str] = {}
        self.names: list[str] = []
        self.providers: list[str] = []
        self.urls: list[str] = []
        self.usernames: list[str] = []
        self.flags = bytearray()
        self.subscriptions: list[tuple[str, ...]] = []
        self.outcomes: list[str | None] = []
        self.messages: list[str | None] = []
        self.tested = array("q")
        self.by_name = array("i")
        self._id_slots = array("i")  # the live slots, sorted by _id_key
        self._shared: dict[Any, Any] = {}

    def share(self, value: Any) -> Any:
        """One object for equal values (types, users, outcomes, messages)."""
        return self._shared.setdefault(value, value)

    # filling ------------------------------------------------------------

    def append_slot(
        self,
        row: tuple[str, str, str, str, str, int, tuple[str, ...], Any, Any, int],
    ) -> int:
        """A new slot from (id, name, provider, url, user, flags, subscriptions,
        outcome, message, tested); ``reindex`` must follow before lookups."""
        id_, name, provider, url, username, flags, users, outcome, message, when = row
        share = self.share
        compact = _compact_id(id_)
        if compact is None:
            self._odd_ids[len(self.names)] = id_
            compact = bytes(_ID_SIZE)
        self._id_bytes += compact
        self.names.append(name)
        self.providers.append(share(provider))
        self.urls.append(url)
        self.usernames.append(share(username))
        self.flags.append(flags)
        self.subscriptions.append(users or ())
        self.outcomes.append(share(outcome))
        self.messages.append(share(message))
        self.tested.append(when)
        return len(self.names) - 1

    def reindex(self) -> int:
        """Rebuild the lookups after slots were appended in name order."""
        live = list(range(len(self.names)))
        self.by_name = array("i", live)
        self._id_slots = array("i", sorted(live, key=self._id_key))
        return len(live)

    @classmethod
    def of(cls, items: Iterable[Integration]) -> IntegrationRows:
        """Rows of these integrations, sorted by name as the store sorts them."""
        from dtr_desktop.domain.validation import name_key

        rows = cls()
        for item in sorted(items, key=lambda each: name_key(each.name)):
            rows.append_slot(_row_of(item))
        rows.reindex()
        return rows

    # reading ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.by_name)

    @overload
    def __getitem__(self, at: int) -> Integration: ...

    @overload
    def __getitem__(self, at: slice) -> list[Integration]: ...

    def __getitem__(self, at: int | slice) -> Integration | list[Integration]:
        if isinstance(at, slice):
            return [self.integration(slot) for slot in self.by_name[at]]
        return self.integration(self.by_name[at])

    def __iter__(self) -> Iterator[Integration]:
        return (self.integration(slot) for slot in self.by_name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IntegrationRows | list | tuple):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def integration(self, slot: int) -> Integration:
        """The value in a slot (the lists' fields only)."""
        from dtr_desktop.domain.values import Integration

        id_ = self.id_at(slot)
        flags = self.flags[slot]
        return Integration(
            id=id_,
            name=self.names[slot],
            provider=self.providers[slot],
            url=self.urls[slot],
            username=self.usernames[slot],
            email="",
            insecure=bool(flags & INSECURE),
            managed=bool(flags & MANAGED),
            locked=bool(flags & LOCKED),
            subscriptions=self.subscriptions[slot],
            last_test_outcome=self.outcomes[slot],
            last_test_message=self.messages[slot],
            last_tested_at=from_micros(self.tested[slot]),
        )

    def slot_of(self, integration_id: str) -> int:
        """The slot of this id, or -1; a bisection of the slots by id."""
        wanted = _search_key(integration_id)
        slots = self._id_slots
        at = bisect_left(slots, wanted, key=self._id_key)
        if at < len(slots) and self._id_key(slots[at]) == wanted:
            return slots[at]
        return -1

    def slot_count(self) -> int:
        """How many slots there are, live or dropped."""
        return len(self.names)

    def id_at(self, slot: int) -> str:
        odd = self._odd_ids.get(slot)
        if odd is not None:
            return odd
        return self._id_bytes[slot * _ID_SIZE : (slot + 1) * _ID_SIZE].hex()

    def _id_key(self, slot: int) -> bytes:
        odd = self._odd_ids.get(slot)
        if odd is not None:
            return _ODD + odd.encode()
        return _HEX + self._id_bytes[slot * _ID_SIZE : (slot + 1) * _ID_SIZE]

    def get(self, integration_id: str) -> Integration | None:
        slot = self.slot_of(integration_id)
        return self.integration(slot) if slot >= 0 else None

    def named(self, name: str) -> Integration | None:
        """The integration called ``name`` as the store compares names."""
        from dtr_desktop.domain.validation import name_key

        wanted = name_key(name)
        names = self.names
        order = self.by_name
        at = bisect_left(order, wanted, key=lambda slot: name_key(names[slot]))
        if at < len(order) and name_key(names[order[at]]) == wanted:
            return self.integration(order[at])
        return None

    def ids(self) -> list[str]:
        """Every live id in name order, without building an ``Integration``
        per row (~25 ms for 100,000 instead of ~400 ms)."""
        id_at = self.id_at
        return [id_at(slot) for slot in self.by_name]

    def has_flag(self, slot: int, flag: int) -> bool:
        return bool(self.flags[slot] & flag)

    def tested_at(self, slot: int) -> datetime | None:
        return from_micros(self.tested[slot])

    # changing -----------------------------------------------------------

    def put(self, item: Integration) -> tuple[Integration | None, int, int]:
        """Add ``item`` or replace the one with its id: (old value, old slot,
        new slot); the old slot is -1 when the integration is new."""
        from dtr_desktop.domain.validation import name_key

        old_slot = self.slot_of(item.id)
        old = self.integration(old_slot) if old_slot >= 0 else None
        if old_slot >= 0:
            self._forget(old_slot)
        slot = self.append_slot(_row_of(item))
        names = self.names
        wanted = name_key(item.name)
        at = bisect_right(self.by_name, wanted, key=lambda s: name_key(names[s]))
        self.by_name.insert(at, slot)
        at = bisect_left(self._id_slots, self._id_key(slot), key=self._id_key)
        self._id_slots.insert(at, slot)
        return old, old_slot, slot

    def remove(self, integration_id: str) -> tuple[Integration | None, int]:
        """Take out the integration with this id: (its value, its slot)."""
        slot = self.slot_of(integration_id)
        if slot < 0:
            return None, -1
        old = self.integration(slot)
        self._forget(slot)
        return old, slot

    def set_test(
        self, integration_id: str, outcome: str, message: str, tested_at: datetime
    ) -> int:
        """A test's result in its row; the slot, or -1 for an unknown id."""
        slot = self.slot_of(integration_id)
        if slot >= 0:
            self.outcomes[slot] = self.share(outcome)
            self.messages[slot] = self.share(message)
            self.tested[slot] = micros(tested_at)
        return slot

    def _forget(self, slot: int) -> None:
        """Drop ``slot`` from the lookups; its values stay readable until the
        next full load, for views still showing it while they catch up."""
        at = bisect_left(self._id_slots, self._id_key(slot), key=self._id_key)
        del self._id_slots[at]
        self.by_name.remove(slot)

    def is_live(self, slot: int) -> bool:
        return self.slot_of(self.id_at(slot)) == slot


_ID_SIZE = 16
# Search keys: one kind of id never equals the other.
_HEX, _ODD = b"\x00", b"\x01"


def _compact_id(integration_id: str) -> bytes | None:
    """The 16 bytes of a 32-hex-digit (lowercase) id; None for any other id."""
    if len(integration_id) != 2 * _ID_SIZE:
        return None
    try:
        compact = bytes.fromhex(integration_id)
    except ValueError:
        return None
    return compact if compact.hex() == integration_id else None


def _search_key(integration_id: str) -> bytes:
    compact = _compact_id(integration_id)
    if compact is None:
        return _ODD + integration_id.encode()
    return _HEX + compact


def _row_of(
    item: Integration,
) -> tuple[str, str, str, str, str, int, tuple[str, ...], Any, Any, int]:
    return (
        item.id,
        item.name,
        item.provider,
        item.url,
        item.username,
        flags_of(item),
        item.subscriptions,
        item.last_test_outcome,
        item.last_test_message,
        micros(item.last_tested_at),
    )
