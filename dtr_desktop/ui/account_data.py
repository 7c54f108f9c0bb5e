"""The account as the window sees it: lists loaded in workers, kept fresh.

Pages read ``integrations`` and ``subscriptions`` from here and ask it to
run changes on a pool thread. A change to one integration (added, edited,
deleted, tested) is applied to the lists in place and announced with
``integration_put`` or ``integration_removed`` (with the slots that changed,
see ``IntegrationRows``), test results with ``tests_recorded``: reading
100,000 integrations again took ~2 s. Other changes reload both lists and
emit ``changed``. ``touched`` follows every change of either kind, for the
views that redraw from the lists as they are (subscriptions, buttons).

The listed integrations carry the table's fields only, column by column
(``IntegrationRows``, shared with the table's model); a dialog reads the
whole integration.
"""

from __future__ import annotations

import linecache
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from dtr_desktop.domain.integration_rows import IntegrationRows, micros
from dtr_desktop.services import Services
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.workers import OnDone, OnError, TaskRunner

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from dtr_desktop.domain.values import Integration, Subscription

    Lists = tuple[IntegrationRows, list[Subscription]]
    # (integration id, outcome, message, when tested)
    TestRecord = tuple[str, str, str, datetime]


class AccountData(QObject):
    ready = Signal()
    open_failed = Signal(str)
    keyring_problem = Signal(str)
    keyring_ok = Signal()  # the start-up check found a keyring that works
    changed = Signal()
    # The Integration added or edited, the slot it left (-1: new), its slot.
    integration_put = Signal(object, int, int)
    integration_removed = Signal(str, int)  # its id, the slot it left
    tests_recorded = Signal(list)  # the ids whose test results changed
    touched = Signal()  # after changed, integration_put or integration_removed
    # After changed, or a rename of an integration that subscriptions use:
    # for the views that show only subscriptions (1,000 items, ~60 ms to redo).
    subscriptions_touched = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = TaskRunner(self)
        self.integrations = IntegrationRows()
        self.subscriptions: list[Subscription] = []
        self.is_ready = False
        self.keyring_checked = False  # the start-up check has answered
        self._generation = 0
        self._loads_pending = 0
        # Test all's results shown but maybe not yet in the store (it records
        # them when the run ends): a reload meanwhile must not lose them.
        self._unsaved: dict[str, TestRecord] = {}

    def start(self) -> None:
        """Open the database (migrating it) and check the keyring, in workers."""
        self.runner.submit(self._open, self._opened, self._failed_to_open)

    def refresh(self) -> None:
        self._generation += 1
        self._loads_pending += 1
        generation = self._generation
        self.runner.submit(
            self._load,
            lambda lists: self._refreshed(generation, lists),
            self._reload_failed,
        )

    def run(
        self,
        action: Callable[[], object],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        reload: bool = True,
    ) -> None:
        """Run a change in a worker, then reload the lists.

        With ``reload=False`` the lists are reloaded only when the change
        failed: ``on_done`` applies it (``put_integration`` and the like).
        """

        def done(value: Any) -> None:
            if reload:
                self.refresh()
            if on_done is not None:
                on_done(value)

        def failed(error: Exception) -> None:
            self.refresh()
            if on_error is not None:
                on_error(error)

        self.runner.submit(action, done, failed)

    def integration(self, integration_id: str) -> Integration | None:
        return self.integrations.get(integration_id)

    def integration_named(self, name: str) -> Integration | None:
        """The integration called ``name`` as the store compares names.

        Found by bisection: the rows are kept sorted by that key, and views
        look names up on every change (a dict over 100,000 names took ~80 ms).
        """
        return self.integrations.named(name)

    def put_integration(self, item: Integration) -> None:
        """An added or edited integration, in its place by name."""
        unsaved = self._unsaved.pop(item.id, None)
        old, old_slot, slot = self.integrations.put(item)
        if unsaved is not None and _kept_by(item, unsaved):
            self.integrations.set_test(*unsaved)
            self._unsaved[item.id] = unsaved
        renamed = old is not None and old.name != item.name and old.subscriptions
        if old is not None and renamed:
            self._rename_in_subscriptions(old.name, item.name)
        self.integration_put.emit(self.integrations.integration(slot), old_slot, slot)
        self.touched.emit()
        if renamed:
            self.subscriptions_touched.emit()
        self._outdate_loads()

    def drop_integration(self, integration_id: str) -> None:
        self._unsaved.pop(integration_id, None)
        old, slot = self.integrations.remove(integration_id)
        if old is not None:
            self.integration_removed.emit(integration_id, slot)
            self.touched.emit()
        self._outdate_loads()

    def record_test(
        self, integration_id: str, outcome: str, message: str, tested_at: datetime
    ) -> None:
        """A test's result in the lists and the table (found by bisection)."""
        self.record_tests([(integration_id, outcome, message, tested_at)])

    def record_tests(self, results: Iterable[TestRecord], saved: bool = True) -> None:
        """Many tests' results, then one update of the views.

        Each result is ``(integration id, outcome, message, when tested)``;
        unknown ids (deleted meanwhile) are skipped. ``saved=False``: the
        store does not hold them yet (``tests_saved`` follows when it does).
        """
        rows = self.integrations
        recorded = [each for each in results if rows.set_test(*each) >= 0]
        if not saved:
            self._unsaved.update((each[0], each) for each in recorded)
        if recorded:
            self.tests_recorded.emit([each[0] for each in recorded])
            if saved:
                self._outdate_loads()

    def _outdate_loads(self) -> None:
        """A change applied in place while the lists reload: the reload may
        have read the store before the change and would undo it; read again."""
        if self._loads_pending:
            self.refresh()

    def tests_saved(self) -> None:
        """The store holds the results recorded with ``saved=False``."""
        if not self._loads_pending:
            self._unsaved.clear()

    def _keep_unsaved_results(self, rows: IntegrationRows) -> None:
        """Results newer than the loaded rows' go back in; the rest are done."""
        for integration_id, record in list(self._unsaved.items()):
            slot = rows.slot_of(integration_id)
            if slot < 0 or rows.tested[slot] >= micros(record[3]):
                del self._unsaved[integration_id]
            else:
                rows.set_test(*record)

    def _rename_in_subscriptions(self, old: str, new: str) -> None:
        from dataclasses import replace

        self.subscriptions = [
            replace(
                each,
                integrations=tuple(new if n == old else n for n in each.integrations),
            )
            if old in each.integrations
            else each
            for each in self.subscriptions
        ]

    def subscription(self, name: str) -> Subscription | None:
        key = name.casefold()
        for item in self.subscriptions:
            if item.name.casefold() == key:
                return item
        return None

    def shutdown(self) -> None:
        self.runner.shutdown()

    def _open(self) -> Lists:
        # The listings create or migrate the database when it needs it.
        _ = self.services.secrets
        return self._load()

    def _load(self) -> Lists:
        services = self.services
        return services.integrations.rows(), services.subscriptions.listing()

    def _opened(self, lists: Lists) -> None:
        self.is_ready = True
        self._loaded(self._generation, lists)
        self.ready.emit()
        self.runner.submit(
            self._check_keyring, self._keyring_works, self._keyring_failed
        )

    def _check_keyring(self) -> None:
        secrets = self.services.secrets
        check = getattr(secrets, "check_at_start", None)
        if callable(check):
            check(self.services.data_dir)
            return
        check = getattr(secrets, "check", None)
        if callable(check):
            check()

    def _refreshed(self, generation: int, lists: Lists) -> None:
        self._loads_pending -= 1
        self._loaded(generation, lists)

    def _loaded(self, generation: int, lists: Lists) -> None:
        if generation != self._generation:
            return
        if self._unsaved:
            self._keep_unsaved_results(lists[0])
        self.integrations, self.subscriptions = lists
        self.changed.emit()
        self.touched.emit()
        self.subscriptions_touched.emit()

    def _failed_to_open(self, error: Exception) -> None:
        self.open_failed.emit(user_message(error))

    def _started(self) -> None:
        """The window's start-up is over: the lists are in, the keyring checked."""
        self.keyring_checked = True
        # Python's source-line cache holds every file PySide6's import hook
        # read while the window started (~3-5 MB); a traceback re-reads one.
        linecache.clearcache()

    def _reload_failed(self, error: Exception) -> None:
        self._loads_pending -= 1
        log.warning("reloading the account failed: %s", type(error).__name__)

    def _keyring_works(self, _none: object) -> None:
        self._started()
        self.keyring_ok.emit()

    def _keyring_failed(self, error: Exception) -> None:
        self._started()
        self.keyring_problem.emit(user_message(error))


def _kept_by(item: Integration, result: TestRecord) -> bool:
    """Whether an edited integration still takes a result not yet stored.

    A rename keeps the store's (older) last test, so the newer result stands;
    an edit of the tested values clears it, or replaces it with the dialog's
    newer test.
    """
    tested = item.last_tested_at
    return tested is not None and micros(tested) < micros(result[3])
