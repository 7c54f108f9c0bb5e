"""A small dialog asking for a subscription's name, checked as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.ui.messages import user_message

NameCheck = Callable[[str], str | None]


class NameDialog(QDialog):
    """Emits ``submitted(name)``; the opener saves and closes or reports back."""

    submitted = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        check: NameCheck,
        initial: str = "",
    ) -> None:
        super().__init__(parent)
        self._check = check
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(8)
        layout.addWidget(QLabel(prompt))
        self.name_edit = QLineEdit(initial)
        self.name_edit.setMaxLength(64)
        self.name_edit.textChanged.connect(self._validate)
        self.message = QLabel()
        self.message.setObjectName("FieldError")
        self.message.setWordWrap(True)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())
        self._initial = initial
        self._validate()

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._submit)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        return row

    def show_error(self, error: Exception) -> None:
        if isinstance(error, ValidationError):
            text = " ".join(error.field_errors.values())
        else:
            text = user_message(error)
        self.message.setText(text)
        self.save_button.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def _validate(self) -> None:
        text = self.name_edit.text()
        why = self._check(text)
        unchanged = text.strip() == self._initial
        self.message.setText(why if why and text else "")
        self.save_button.setEnabled(why is None and not unchanged)

    def _submit(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.submitted.emit(self.name_edit.text().strip())
