"""Export credentials for CI: a subscription's logins written to one file.

The file holds usable passwords, so the dialog says so plainly and the
Export button stays disabled until the person has ticked that they
understand. The service writes the file readable only by its owner.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.values import Subscription
from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.dialog_fit import grow_to_fit
from dtr_desktop.ui.messages import isolated, user_message

if TYPE_CHECKING:
    from dtr_desktop.services.docker_interop import ExportFormat, ExportResult

log = logging.getLogger(__name__)

FORMATS: tuple[tuple[ExportFormat, str, str], ...] = (
    ("docker-config", "Docker config.json", "config.json"),
    ("k8s-secret", "Kubernetes pull secret (YAML)", "pull-secret.yaml"),
)
WARNING = (
    "This file will contain the passwords of the subscription's integrations. "
    "Anyone who can read it can log in to those registries as you (base64 is "
    "not encryption). dtr-desktop writes it readable only by you (mode 0600); "
    "keep it out of version control and delete it once your CI system has it."
)


class ExportDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, data: AccountData, subscription: Subscription
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.subscription = subscription
        self.exported: ExportResult | None = None
        self.file_dialog: QFileDialog | None = None
        self.closed = False  # a result arriving later is dropped
        self.finished.connect(self._closing)
        self.setWindowTitle("Export credentials")
        self.setMinimumWidth(620)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        heading = QLabel(f"Export credentials of “{isolated(subscription.name)}”")
        heading.setObjectName("PageTitle")
        layout.addWidget(heading)
        layout.addLayout(self._form())
        self.warning = _label(WARNING, "Banner")
        self.understood_box = QCheckBox(
            "I understand that this file contains passwords"
        )
        self.message = _label("", "ErrorBanner")
        self.message.setVisible(False)
        for widget in (self.warning, self.understood_box, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(self._button_row())
        self._update_buttons()

    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def export_format(self) -> ExportFormat:
        return FORMATS[self.format_combo.currentIndex()][0]

    def choose_file(self) -> None:
        """Open a save dialog (non-blocking); its choice fills the path field."""
        dialog = QFileDialog(self, "Export credentials to")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.selectFile(str(self._suggested_path()))
        dialog.fileSelected.connect(self._file_chosen)
        dialog.finished.connect(lambda _result: self._file_dialog_closed(dialog))
        self.file_dialog = dialog
        dialog.open()

    def export(self) -> None:
        path = self.path()
        if path is None or not self.understood_box.isChecked():
            return
        from dtr_desktop.services.docker_interop import DockerInteropService

        service = DockerInteropService(self.data.services)
        name, fmt = self.subscription.name, self.export_format()
        overwrite = self.replace_box.isChecked()
        self.export_button.setEnabled(False)
        self.data.runner.submit(
            lambda: service.export(name, fmt, path, overwrite=overwrite),
            self._exported,
            self._failed,
        )

    # building -----------------------------------------------------------

    def _form(self) -> QGridLayout:
        form = QGridLayout()
        form.setHorizontalSpacing(14)
        form.setColumnStretch(1, 1)
        self.format_combo = QComboBox()
        for _fmt, label, _file in FORMATS:
            self.format_combo.addItem(label)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText("Where to write the file")
        self.path_edit.textChanged.connect(self._update_buttons)
        self.browse_button = QPushButton("Choose…")
        self.browse_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.replace_box = QCheckBox("Replace the file if it exists")
        form.addWidget(QLabel("Format"), 0, 0)
        form.addWidget(self.format_combo, 0, 1)
        form.addWidget(QLabel("File"), 1, 0)
        form.addLayout(row, 1, 1)
        form.addWidget(self.replace_box, 2, 1)
        return form

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("Primary")
        self.export_button.clicked.connect(self.export)
        self.understood_box.toggled.connect(self._update_buttons)
        row.addWidget(self.cancel_button)
        row.addWidget(self.export_button)
        return row

    # reacting -----------------------------------------------------------

    def _closing(self, _result: int) -> None:
        self.closed = True

    def _update_buttons(self) -> None:
        ready = self.path() is not None and self.understood_box.isChecked()
        self.export_button.setEnabled(ready and self.exported is None)

    def _suggested_path(self) -> Path:
        current = self.path()
        if current is not None:
            return current
        return Path.home() / FORMATS[self.format_combo.currentIndex()][2]

    def _format_changed(self, _index: int) -> None:
        self.message.setVisible(False)

    def _file_chosen(self, chosen: str) -> None:
        self.path_edit.setText(chosen)
        self.replace_box.setChecked(Path(chosen).exists())

    def _file_dialog_closed(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None
        dialog.deleteLater()

    def _exported(self, result: ExportResult) -> None:
        if self.closed:
            return
        self.exported = result
        text = (
            f"Written to {result.path} (readable only by you). It holds the "
            f"logins of {', '.join(map(isolated, result.integrations))}."
        )
        if result.left_out:
            text += f" Left out: {result.left_out_text}."
        self._show_message(text, "ManagedNote")
        self.cancel_button.setText("Close")
        self.export_button.setVisible(False)
        log.info("credentials exported as %s", result.format)

    def _failed(self, error: Exception) -> None:
        if self.closed:
            return
        self._show_message(user_message(error), "ErrorBanner")
        self._update_buttons()

    def _show_message(self, text: str, kind: str) -> None:
        self.message.setObjectName(kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(True)
        grow_to_fit(self)


def _label(text: str, kind: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(kind)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def open_export_dialog(
    parent: QWidget, data: AccountData, subscription: Subscription
) -> ExportDialog:
    """Open the dialog window-modally; the caller deletes it when it finishes."""
    dialog = ExportDialog(parent, data, subscription)
    dialog.open()
    return dialog
