"""The one place where errors become words and message boxes.

Service and store errors already carry a message written for the user; this
module picks a title for them, handles the unexpected ones, and shows every
message box through ``Prompter`` so tests can answer them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QObject, QRect, QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from dtr_desktop.domain.errors import (
    DtrDesktopError,
    IntegrationInUse,
    ManagedByPolicy,
    NotFound,
    StoreError,
    ValidationError,
)
from dtr_desktop.ui.dialog_fit import TITLE_BAR

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
        _shorten_to_screen(box)
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


#: What a title bar shows besides the title: the window's icon, the padding
#: and its own buttons.
TITLE_BAR_EXTRA = 130
#: Around a box's text: its icon column and margins, and the button row.
TEXT_CHROME = QSize(100, 130)


def _fit_title(box: QMessageBox) -> None:
    """Make the box wide enough for its title and, if very long, its text.

    A message box sizes itself to its text, so a short question under a longer
    title left "Delete integrati…" in the title bar; the title bar also shows
    the application's name. The extra width goes on the button row, which
    spans the box. A minimum width on the text label instead would stand in
    for the text's own width when the box lays itself out: the box then
    thought a longer sentence fitted on one line, left it unwrapped and cut
    off its end ("…has not" without "been saved.").
    """
    title = f"{box.windowTitle()} — {QApplication.applicationDisplayName()}"
    room = box.screen().availableGeometry()
    width = box.fontMetrics().horizontalAdvance(title) + TITLE_BAR_EXTRA
    width = min(max(width, _width_for_text(box, room)), _widest(room))
    layout, buttons = box.layout(), box.findChild(QDialogButtonBox)
    if layout is None or buttons is None:  # not a box Qt builds today
        return
    margins = layout.contentsMargins()
    buttons.setMinimumWidth(width - margins.left() - margins.right())


#: What a box shows when its text moved under Show Details.
WHOLE_TEXT_IN_DETAILS = "The whole message is under Show Details."


def _shorten_to_screen(box: QMessageBox) -> None:
    """Move a text the screen cannot show whole, even at the widest box, to
    the scrolling Show Details area, which wraps anywhere.

    A text taller than the screen (a policy with hundreds of problems) ran off
    its bottom, the buttons out of reach; a word wider than the box (a long
    path or URL) lost its end. The box keeps the start of the text, such words
    shortened in the middle, and leaves half the screen for the details.
    """
    room = box.screen().availableGeometry()
    width = _widest(room)
    text = _whole_text(box)
    shown = _elide_long_words(box, text, width)
    budget = (room.height() - TITLE_BAR - TEXT_CHROME.height()) // 2
    if shown == text and _text_height(box, text, width) <= budget:
        return
    low, high = 0, len(shown)
    while low < high:  # the longest start of the text that fits the budget
        middle = (low + high + 1) // 2
        if _text_height(box, shown[:middle] + "…", width) <= budget:
            low = middle
        else:
            high = middle - 1
    box.setDetailedText(text)
    box.setText(shown if low == len(shown) else shown[:low].rstrip() + "…")
    box.setInformativeText(WHOLE_TEXT_IN_DETAILS)


def _elide_long_words(box: QMessageBox, text: str, width: int) -> str:
    import re

    from PySide6.QtCore import Qt

    metrics, column = box.fontMetrics(), width - TEXT_CHROME.width()

    def fitted(word: re.Match[str]) -> str:
        if metrics.horizontalAdvance(word[0]) <= column:
            return word[0]
        return metrics.elidedText(word[0], Qt.TextElideMode.ElideMiddle, column)

    return re.sub(r"\S+", fitted, text)


def _whole_text(box: QMessageBox) -> str:
    return "\n\n".join(part for part in (box.text(), box.informativeText()) if part)


def _text_height(box: QMessageBox, text: str, width: int) -> int:
    from PySide6.QtCore import Qt

    column = QRect(0, 0, width - TEXT_CHROME.width(), 1 << 24)
    flags = Qt.TextFlag.TextWordWrap
    return box.fontMetrics().boundingRect(column, flags, text).height()


def _widest(room: QRect) -> int:
    """How wide a message box may grow: beyond this it squeezes its content.

    The rule is Qt's own: the whole width of a small screen, else at most
    1000 px and 480 px less than the screen.
    """
    if room.width() <= 1024:
        return room.width()
    return min(room.width() - 480, 1000)


def _width_for_text(box: QMessageBox, room: QRect) -> int:
    """A width at which a very long text still fits the screen's height.

    A box wraps its text at about half the screen's width and grows down; a
    long enough text then ran off the bottom of the screen. 0 when the text
    fits at the box's own width.
    """
    # Not at the top: the window's first screen does without the Qt namespace.
    from PySide6.QtCore import Qt

    text = _whole_text(box)
    room_height = room.height() - TITLE_BAR - TEXT_CHROME.height()
    metrics = box.fontMetrics()
    flags = Qt.TextFlag.TextWordWrap
    narrow = min(room.width() // 2, 500)
    for width in range(narrow, _widest(room) + 50, 50):
        column = QRect(0, 0, width - TEXT_CHROME.width(), room.height() * 100)
        if metrics.boundingRect(column, flags, text).height() <= room_height:
            return 0 if width == narrow else width
    return _widest(room)
