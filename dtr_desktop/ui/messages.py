"""The one place where errors become words and message boxes.

Service and store errors already carry a message written for the user; this
module picks a title for them, handles the unexpected ones, and shows every
message box through ``Prompter`` so tests can answer them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from dtr_desktop.domain.errors import (
    DtrDesktopError,
    IntegrationInUse,
    ManagedByPolicy,
    NotFound,
    StoreError,
    ValidationError,
)

log = logging.getLogger(__name__)

Button = QMessageBox.StandardButton

#: Unicode's first-strong isolate and its closing pop.
FSI, PDI = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """A user's text set apart from the words around it.

    A right-to-left name embedded in an English sentence or row otherwise
    drags the neighbouring numbers and punctuation into its own direction
    ("0 · 🚀 خط الإنتاج integrations"); inside isolates it is laid out on
    its own and the sentence keeps its order.
    """
    return f"{FSI}{text}{PDI}"


@cache
def _titles() -> tuple[tuple[type[Exception], str], ...]:
    # The secret store (and the keyring modules it loads) is imported on the
    # first error, not before the window's first paint.
    from dtr_desktop.secret_store.errors import (
        KeyringLocked,
        KeyringTimeout,
        NoUsableKeyring,
        SecretStoreError,
    )

    return (
        (NoUsableKeyring, "No secure keyring"),
        (KeyringLocked, "Keyring locked"),
        (KeyringTimeout, "Keyring not answering"),
        (SecretStoreError, "Keyring problem"),
        (StoreError, "Database problem"),
        (IntegrationInUse, "Integration in use"),
        (ManagedByPolicy, "Managed by your administrator"),
        (NotFound, "No longer there"),
        (ValidationError, "Please check the form"),
    )


def error_title(error: Exception) -> str:
    for kind, title in _titles():
        if isinstance(error, kind):
            return title
    return "Something went wrong"


def user_message(error: Exception) -> str:
    """What to tell the user; unexpected errors go to the log in full."""
    if isinstance(error, DtrDesktopError):
        return str(error)
    log.error("unexpected error", exc_info=error)
    return (
        f"An unexpected problem stopped this action ({type(error).__name__}). "
        "The details are in dtr-desktop's log file."
    )


class Prompter(QObject):
    """Shows message boxes window-modally and reports the answer by callback.

    ``current`` is the box on screen, so a test can press one of its buttons
    with ``answer``; nothing here blocks in a nested event loop.
    """

    shown = Signal(QMessageBox)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.current: QMessageBox | None = None

    def confirm(
        self,
        title: str,
        text: str,
        on_yes: Callable[[], None],
        detail: str = "",
        yes_text: str = "Yes",
    ) -> QMessageBox:
        box = self._box(QMessageBox.Icon.Question, title, text, detail)
        box.setStandardButtons(Button.Yes | Button.No)
        box.setDefaultButton(Button.No)
        yes, no = box.button(Button.Yes), box.button(Button.No)
        yes.setText(yes_text)
        no.setText("Cancel" if yes_text != "Yes" else "No")
        for button in (yes, no):
            # The style's icons are a green tick and a red stop: a tick on
            # Delete would say the opposite of what the button does.
            button.setIcon(QIcon())
        if yes_text.startswith(("Delete", "Remove")):
            yes.setObjectName("Danger")

        def finished(answer: int) -> None:
            if answer == Button.Yes.value:
                on_yes()

        return self._open(box, finished)

    def inform(self, title: str, text: str, detail: str = "") -> QMessageBox:
        box = self._box(QMessageBox.Icon.Information, title, text, detail)
        return self._open(box, lambda _answer: None)

    def error(self, error: Exception, context: str = "") -> QMessageBox:
        text = user_message(error)
        if context:
            text = f"{context}\n\n{text}"
        box = self._box(QMessageBox.Icon.Warning, error_title(error), text, "")
        return self._open(box, lambda _answer: None)

    def answer(self, button: Button) -> None:
        """Press a button of the box on screen (what a test or a user does)."""
        if self.current is None:
            raise RuntimeError("no message box is open")
        self.current.button(button).click()

    def _box(
        self, icon: QMessageBox.Icon, title: str, text: str, detail: str
    ) -> QMessageBox:
        box = QMessageBox(icon, title, text, Button.Ok, self._parent)
        box.setInformativeText(detail)
        box.setObjectName("MessageBox")
        _fit_title(box)
        return box

    def _open(self, box: QMessageBox, then: Callable[[int], None]) -> QMessageBox:
        def finished(answer: int) -> None:
            if self.current is box:
                self.current = None
            box.deleteLater()
            then(answer)

        box.finished.connect(finished)
        self.current = box
        box.open()
        self.shown.emit(box)
        return box


def _fit_title(box: QMessageBox) -> None:
    """Make the box wide enough that the window manager need not elide its title.

    A message box sizes itself to its text, so a short question under a longer
    title left "Delete integrati…" in the title bar. The title bar also shows
    the application's name and its own buttons, some 40 px wider than the
    box's icon column and margins; the label's minimum width is what a
    QMessageBox keeps when it lays itself out.
    """
    title = f"{box.windowTitle()} — {QApplication.applicationDisplayName()}"
    width = box.fontMetrics().horizontalAdvance(title) + 40
    box.setStyleSheet(f"QLabel#qt_msgbox_label {{ min-width: {width}px; }}")
