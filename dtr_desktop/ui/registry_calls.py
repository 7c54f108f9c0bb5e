"""Registry calls from the window: on the worker pool, cancellable, in words.

A registry call waits on the network for up to its timeouts, so each one
runs on a pool thread with its own cancel event. Cancel answers at once in
the window: the call is told to stop, and whatever it returns later is
dropped. The registry package (and httpx) is imported only when the first
call runs, so opening the window stays quick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from dtr_desktop.ui.workers import OnDone, OnError, TaskRunner

if TYPE_CHECKING:
    from dtr_desktop.registry.http import Timeouts
    from dtr_desktop.services import Services
    from dtr_desktop.services.registry_checks import RegistryChecks

log = logging.getLogger(__name__)

#: A call to run on a pool thread: the service and the cancel event it obeys.
RegistryAction = Callable[["RegistryChecks", threading.Event], object]

OK, WARNING, FAILED = "ok", "warning", "failed"
#: Outcomes that are not a failure: the registry answered as a registry should.
_GOOD = {"ok": OK, "unverified": WARNING}


class RegistryCalls(QObject):
    """Starts registry service calls on ``runner`` and cancels them on demand.

    ``timeouts`` (``None``: the service's defaults) applies to calls started
    after it is set; tests shorten it.
    """

    def __init__(
        self, runner: TaskRunner, services: Services, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self.timeouts: Timeouts | None = None
        self._running: set[threading.Event] = set()

    def start(
        self, action: RegistryAction, on_done: OnDone, on_error: OnError
    ) -> threading.Event:
        """Run ``action``; set the returned event to cancel it and drop its result."""
        cancel = threading.Event()
        self._running.add(cancel)
        checks = self._checks

        def done(value: Any) -> None:
            self._running.discard(cancel)
            if not cancel.is_set():
                on_done(value)

        def failed(error: Exception) -> None:
            self._running.discard(cancel)
            if not cancel.is_set():
                on_error(error)

        self.runner.submit(lambda: action(checks(), cancel), done, failed)
        return cancel

    def running(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        """Stop every call still running (the window is closing)."""
        for cancel in list(self._running):
            cancel.set()
        self._running.clear()

    def _checks(self) -> RegistryChecks:
        from dtr_desktop.services.registry_checks import RegistryChecks

        return RegistryChecks(self.services, timeouts=self.timeouts)


@cache
def outcome_label(outcome: str) -> str:
    """The short label of a stored outcome (``ok`` → Connected)."""
    from dtr_desktop.registry.errors import OUTCOME_LABELS, Outcome

    try:
        return OUTCOME_LABELS[Outcome(outcome)]
    except ValueError:
        return outcome.replace("_", " ").replace("-", " ").capitalize()


def outcome_kind(outcome: str) -> str:
    """``ok``, ``warning`` (reachable, credentials not checked) or ``failed``."""
    return _GOOD.get(outcome, FAILED)


@cache
def kind_icon(kind: str) -> QIcon:
    """The style's icon for a result kind, made once (tables ask on each paint)."""
    pixmaps = {
        OK: QStyle.StandardPixmap.SP_DialogApplyButton,
        WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
        FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    }
    return QApplication.style().standardIcon(pixmaps[kind])


def local_time(when: datetime) -> datetime:
    """Stored times are naive UTC; the user reads local time."""
    return when.replace(tzinfo=UTC).astimezone()


def when_text(when: datetime, now: datetime | None = None) -> str:
    """``14:05`` for today, otherwise the date, in local time."""
    local = local_time(when)
    today = (now or datetime.now().astimezone()).date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d}"
