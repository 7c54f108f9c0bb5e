"""Picking account integrations to attach to a subscription."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.values import Integration
from dtr_desktop.ui.integration_text import type_label
from dtr_desktop.ui.messages import isolated, user_message


class AttachDialog(QDialog):
    """Emits ``submitted(names)`` with the chosen integrations' names."""

    submitted = Signal(list)

    def __init__(
        self,
        parent: QWidget | None,
        subscription: str,
        candidates: Sequence[Integration],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Attach integrations to {isolated(subscription)}")
        self.setMinimumSize(520, 420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(8)
        intro = QLabel(
            f"Choose the account integrations that {isolated(subscription)} may use. "
            "Hold Ctrl or Shift to choose several."
        )
        intro.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, type or URL")
        self.filter_edit.textChanged.connect(self._filter)
        self.picker = self._picker(candidates)
        self.message = QLabel()
        self.message.setObjectName("FieldError")
        self.message.setWordWrap(True)
        for widget in (intro, self.filter_edit, self.picker, self.message):
            layout.addWidget(widget)
        layout.addLayout(self._buttons())

    def chosen(self) -> list[str]:
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in self.picker.selectedItems()
        ]

    def choose(self, names: Sequence[str]) -> None:
        wanted = set(names)
        for row in range(self.picker.count()):
            item = self.picker.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in wanted)

    def show_error(self, error: Exception) -> None:
        self.message.setText(user_message(error))
        self.cancel_button.setEnabled(True)
        self._selection_changed()

    def _picker(self, candidates: Sequence[Integration]) -> QListWidget:
        picker = QListWidget()
        picker.setObjectName("Picker")
        picker.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for integration in candidates:
            kind = type_label(integration.provider)
            text = f"{isolated(integration.name)}    {kind} · "
            item = QListWidgetItem(text + integration.url)
            item.setData(Qt.ItemDataRole.UserRole, integration.name)
            item.setSizeHint(QSize(0, 32))
            picker.addItem(item)
        picker.itemSelectionChanged.connect(self._selection_changed)
        picker.itemDoubleClicked.connect(lambda _item: self._submit())
        return picker

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.attach_button = QPushButton("Attach")
        self.attach_button.setObjectName("Primary")
        self.attach_button.setEnabled(False)
        self.attach_button.setDefault(True)
        self.attach_button.clicked.connect(self._submit)
        row.addWidget(self.cancel_button)
        row.addWidget(self.attach_button)
        return row

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.picker.count()):
            item = self.picker.item(row)
            item.setHidden(needle not in item.text().casefold())

    def _selection_changed(self) -> None:
        count = len(self.picker.selectedItems())
        self.attach_button.setEnabled(count > 0)
        self.attach_button.setText(f"Attach {count}" if count > 1 else "Attach")

    def _submit(self) -> None:
        names = self.chosen()
        if not names:
            return
        self.attach_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.submitted.emit(names)
