"""Shown when an integration cannot be deleted because subscriptions use it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.ui.messages import isolated


class IntegrationInUseDialog(QDialog):
    """Lists every subscription using the integration, each with a way there."""

    open_settings = Signal(str)

    def __init__(
        self, parent: QWidget | None, integration: str, subscriptions: Sequence[str]
    ) -> None:
        super().__init__(parent)
        self.integration = integration
        self.subscriptions = list(subscriptions)
        self.open_buttons: dict[str, QPushButton] = {}
        self.setWindowTitle("Integration in use")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        self._add_text(layout)
        layout.addWidget(self._list(), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setIcon(QIcon())
        layout.addWidget(buttons)

    def _add_text(self, layout: QVBoxLayout) -> None:
        count = len(self.subscriptions)
        noun = "subscription uses" if count == 1 else "subscriptions use"
        title = QLabel(f"“{isolated(self.integration)}” is still in use")
        title.setObjectName("PageTitle")
        text = QLabel(
            f"{count} {noun} this integration, so it was not deleted. Detach it "
            "in each subscription's Settings → Integrations, then delete it here."
        )
        text.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(text)

    def _list(self) -> QScrollArea:
        inner = QWidget()
        rows = QVBoxLayout(inner)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        for name in self.subscriptions:
            rows.addWidget(self._row(name))
        rows.addStretch(1)
        area = QScrollArea()
        area.setObjectName("InUseList")
        area.setWidget(inner)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.StyledPanel)
        area.setMinimumHeight(min(60 + 44 * len(self.subscriptions), 300))
        return area

    def _row(self, name: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(10, 6, 10, 6)
        label = QLabel(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        button = QPushButton("Open its settings")
        button.setToolTip(f"Go to {isolated(name)} → Settings → Integrations")
        button.clicked.connect(lambda: self._open(name))
        self.open_buttons[name] = button
        layout.addWidget(label, 1)
        layout.addWidget(button)
        return row

    def _open(self, name: str) -> None:
        self.open_settings.emit(name)
        self.accept()
