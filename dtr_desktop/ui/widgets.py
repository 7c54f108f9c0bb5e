"""Small building blocks shared by the pages: headers, empty states, sidebars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PAGE_MARGINS = (28, 22, 28, 22)


def page_layout(widget: QWidget, title: str, intro: str) -> QVBoxLayout:
    """A page's layout with its title and one line saying what it is for."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(*PAGE_MARGINS)
    layout.setSpacing(10)
    heading = QLabel(title)
    heading.setObjectName("PageTitle")
    text = QLabel(intro)
    text.setObjectName("PageIntro")
    text.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(text)
    layout.addSpacing(6)
    return layout


class EmptyState(QFrame):
    """What an empty list shows instead: what it is and what to do."""

    def __init__(
        self, title: str, text: str, action: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 36, 40, 36)
        layout.setSpacing(10)
        layout.addStretch(1)
        self.title = QLabel(title)
        self.title.setObjectName("EmptyTitle")
        self.text = QLabel(text)
        self.text.setObjectName("EmptyText")
        self.text.setWordWrap(True)
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        self.button = QPushButton(action)
        self.button.setObjectName("Primary")
        self.button.setVisible(bool(action))
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


def sidebar(items: Sequence[str]) -> QListWidget:
    bar = QListWidget()
    bar.setObjectName("Sidebar")
    bar.addItems(list(items))
    bar.setMinimumWidth(150)
    for row in range(bar.count()):
        bar.item(row).setSizeHint(QSize(0, 38))
    bar.setCurrentRow(0)
    return bar


def sidebar_column(title: str, bar: QListWidget) -> QWidget:
    """The sidebar with a small caption above it, on the sidebar's colour."""
    column = QWidget()
    column.setObjectName("SidebarColumn")
    column.setStyleSheet(
        "QWidget#SidebarColumn { background: #f1f5f9;"
        " border-right: 1px solid #e2e8f0; }"
    )
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    caption = QLabel(title.upper())
    caption.setObjectName("SidebarTitle")
    bar.setStyleSheet("QListWidget#Sidebar { border-right: none; }")
    layout.addWidget(caption)
    layout.addWidget(bar, 1)
    return column
