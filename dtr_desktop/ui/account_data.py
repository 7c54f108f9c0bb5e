"""The account as the window sees it: lists loaded in workers, kept fresh.

Pages read ``integrations`` and ``subscriptions`` from here and ask it to
run changes on a pool thread. A change to one integration (added, edited,
deleted, tested) is applied to the lists in place and announced with
``integration_put`` or ``integration_removed``: reading 100,000 integrations
again took ~2 s. Other changes reload both lists and emit ``changed``.
``touched`` follows every change of either kind, for the views that redraw
from the lists as they are (subscriptions, button states).

The listed integrations carry the table's fields only (see
``IntegrationService.listing``); a dialog reads the whole integration.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from dtr_desktop.services import Services
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.workers import OnDone, OnError, TaskRunner

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from dtr_desktop.domain.values import Integration, Subscription

    Lists = tuple[list[Integration], list[Subscription]]


class AccountData(QObject):
    ready = Signal()
    open_failed = Signal(str)
    keyring_problem = Signal(str)
    changed = Signal()
    integration_put = Signal(object)  # the Integration added or edited
    integration_removed = Signal(str)  # its id
    touched = Signal()  # after changed, integration_put or integration_removed
    # After changed, or a rename of an integration that subscriptions use:
    # for the views that show only subscriptions (1,000 items, ~60 ms to redo).
    subscriptions_touched = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = TaskRunner(self)
        self.integrations: list[Integration] = []
        self.subscriptions: list[Subscription] = []
        self.is_ready = False
        self._generation = 0

    def start(self) -> None:
        """Open the database (migrating it) and check the keyring, in workers."""
        self.runner.submit(self._open, self._opened, self._failed_to_open)

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.runner.submit(
            self._load,
            lambda lists: self._loaded(generation, lists),
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
        for item in self.integrations:
            if item.id == integration_id:
                return item
        return None

    def integration_named(self, name: str) -> Integration | None:
        """The integration called ``name`` as the store compares names.

        Found by bisection: the list is kept sorted by that key, and views
        look names up on every change (a dict over 100,000 names took ~80 ms).
        """
        from dtr_desktop.domain.validation import name_key

        wanted = name_key(name)
        items = self.integrations
        at = bisect_left(items, wanted, key=lambda each: name_key(each.name))
        if at < len(items) and name_key(items[at].name) == wanted:
            return items[at]
        return None

    def put_integration(self, item: Integration) -> None:
        """An added or edited integration, in its place by name."""
        from dtr_desktop.domain.validation import name_key

        old = self._take(item.id)
        listed = _listed(item)
        at = bisect_right(
            self.integrations, name_key(item.name), key=lambda each: name_key(each.name)
        )
        self.integrations.insert(at, listed)
        renamed = old is not None and old.name != item.name and old.subscriptions
        if old is not None and renamed:
            self._rename_in_subscriptions(old.name, item.name)
        self.integration_put.emit(listed)
        self.touched.emit()
        if renamed:
            self.subscriptions_touched.emit()

    def drop_integration(self, integration_id: str) -> None:
        if self._take(integration_id) is not None:
            self.integration_removed.emit(integration_id)
            self.touched.emit()

    def record_test(
        self, integration_id: str, outcome: str, message: str, tested_at: datetime
    ) -> None:
        """A test's result in the list (the model shows it on its own)."""
        from dataclasses import replace

        for position, item in enumerate(self.integrations):
            if item.id == integration_id:
                self.integrations[position] = replace(
                    item,
                    last_test_outcome=outcome,
                    last_test_message=message,
                    last_tested_at=tested_at,
                )
                return

    def _take(self, integration_id: str) -> Integration | None:
        for position, item in enumerate(self.integrations):
            if item.id == integration_id:
                return self.integrations.pop(position)
        return None

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
        return services.integrations.listing(), services.subscriptions.listing()

    def _opened(self, lists: Lists) -> None:
        self.is_ready = True
        self._loaded(self._generation, lists)
        self.ready.emit()
        self.runner.submit(self._check_keyring, None, self._keyring_failed)

    def _check_keyring(self) -> None:
        check = getattr(self.services.secrets, "check", None)
        if callable(check):
            check()

    def _loaded(self, generation: int, lists: Lists) -> None:
        if generation != self._generation:
            return
        self.integrations, self.subscriptions = lists
        self.changed.emit()
        self.touched.emit()
        self.subscriptions_touched.emit()

    def _failed_to_open(self, error: Exception) -> None:
        self.open_failed.emit(user_message(error))

    def _reload_failed(self, error: Exception) -> None:
        log.warning("reloading the account failed: %s", type(error).__name__)

    def _keyring_failed(self, error: Exception) -> None:
        self.keyring_problem.emit(user_message(error))


def _listed(item: Integration) -> Integration:
    """``item`` with only the fields the lists keep (as a listing reads them)."""
    from dataclasses import replace

    return replace(item, email="", ca_cert_pem=None, created_at=None, updated_at=None)
