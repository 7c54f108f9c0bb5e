"""Dialogs that grow with their word-wrapped messages.

A window does not ask its layout how tall wrapped text is at its width
(height-for-width): when a long message appears, Qt squeezes the other rows
instead of growing the window. These dialogs ask for it themselves.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

#: Room for the window's title bar, which the screen's geometry does not count.
TITLE_BAR = 40


def grow_to_fit(dialog: QWidget) -> None:
    """Make ``dialog`` at least as tall as its content needs at its width."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    needed = layout.sizeHint().height()
    if layout.hasHeightForWidth():
        needed = layout.heightForWidth(width)
    needed = max(needed, layout.minimumSize().height())
    room = dialog.screen().availableGeometry().height() - TITLE_BAR
    needed = min(needed, room)
    dialog.setMinimumHeight(needed)
    if dialog.height() < needed:
        dialog.resize(width, needed)
