"""The account as the window sees it: lists loaded in workers, kept fresh.

Pages read ``integrations`` and ``subscriptions`` from here and ask it to
run changes; every change is a service call on a pool thread followed by a
reload, so all pages show the same state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from dtr_desktop.domain.values import Integration, Subscription
from dtr_desktop.services import Services
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.workers import OnDone, OnError, TaskRunner

log = logging.getLogger(__name__)

Lists = tuple[list[Integration], list[Subscription]]


class AccountData(QObject):
    ready = Signal()
    open_failed = Signal(str)
    keyring_problem = Signal(str)
    changed = Signal()

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
    ) -> None:
        """Run a change in a worker, then reload the lists whatever happened."""

        def done(value: Any) -> None:
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

    def subscription(self, name: str) -> Subscription | None:
        key = name.casefold()
        for item in self.subscriptions:
            if item.name.casefold() == key:
                return item
        return None

    def shutdown(self) -> None:
        self.runner.shutdown()

    def _open(self) -> Lists:
        _ = self.services.engine  # runs the migrations
        _ = self.services.secrets
        return self._load()

    def _load(self) -> Lists:
        services = self.services
        return services.integrations.list(), services.subscriptions.list()

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

    def _failed_to_open(self, error: Exception) -> None:
        self.open_failed.emit(user_message(error))

    def _reload_failed(self, error: Exception) -> None:
        log.warning("reloading the account failed: %s", type(error).__name__)

    def _keyring_failed(self, error: Exception) -> None:
        self.keyring_problem.emit(user_message(error))
