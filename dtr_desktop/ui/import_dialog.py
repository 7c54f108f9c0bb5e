"""Import from Docker: preview the logins found, choose, import, then tidy up.

Three steps in one dialog. The preview reads docker's and the containers
tools' files (and asks their credential helpers) in a worker; the person
ticks what to import; the result page names what was saved and offers to
remove the plaintext passwords the files still hold, pointing those
registries at the dtr-desktop helper instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.import_model import ImportPreviewModel, username_text
from dtr_desktop.ui.messages import user_message

if TYPE_CHECKING:
    from dtr_desktop.services.docker_interop import (
        DockerInteropService,
        ImportCandidate,
        ImportReport,
        PlaintextRemoval,
    )

log = logging.getLogger(__name__)

LOADING, PREVIEW, NOTHING, RESULT = range(4)
# Registry, username, where found, in dtr-desktop; the Problem column stretches.
COLUMN_WIDTHS = (190, 110, 190, 150)
INTRO = (
    "Logins that docker, podman and skopeo keep in their files or credential "
    "helpers. Ticked ones become integrations; their passwords go only to "
    "your system keyring. A ticked login for a registry you already have "
    "updates that integration's user name and password."
)


class ImportDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        data: AccountData,
        service: DockerInteropService,
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.service = service
        self.report: ImportReport | None = None
        self.removal: PlaintextRemoval | None = None
        self.closed = False  # results arriving later are dropped
        self.finished.connect(self._closing)
        self.model = ImportPreviewModel(self)
        self.setWindowTitle("Import from Docker")
        self.setMinimumSize(900, 460)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(_heading("Import from Docker"))
        layout.addWidget(_text(INTRO, "PageIntro"))
        self.banner = _text("", "ErrorBanner")
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        for page in self._pages():
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._button_row())
        self.model.dataChanged.connect(lambda *_args: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # steps --------------------------------------------------------------

    def start(self) -> None:
        """Read the files and helpers in a worker; the preview fills in after."""
        self.stack.setCurrentIndex(LOADING)
        service = self.service
        self.data.runner.submit(
            service.preview_import, self._previewed, self._show_error
        )

    def import_chosen(self) -> None:
        choices = self.model.choices()
        if not choices:
            return
        self._set_working(True)
        service = self.service
        self.data.run(
            lambda: service.apply_import(choices), self._imported, self._show_error
        )

    def remove_plaintext(self) -> None:
        report = self.report
        if report is None or not report.plaintext_left:
            return
        self.remove_button.setEnabled(False)
        service = self.service
        self.data.runner.submit(
            lambda: service.clear_plaintext(report),
            self._plaintext_removed,
            self._show_error,
        )

    def delete_backups(self) -> None:
        """Delete the backups that still hold the removed passwords."""
        removal = self.removal
        if removal is None or not removal.backups:
            return
        self.delete_backups_button.setEnabled(False)
        service = self.service
        self.data.runner.submit(
            lambda: service.delete_backups(removal),
            self._backups_deleted,
            self._show_error,
        )

    # building -----------------------------------------------------------

    def _pages(self) -> list[QWidget]:
        loading = _text("Reading the logins docker, podman and skopeo hold…", "Hint")
        self.table = self._table()
        self.nothing = _text(
            "No logins were found in "
            + ", ".join(str(f.path) for f in self.service.credential_files())
            + ".",
            "Hint",
        )
        return [loading, self.table, self.nothing, self._result_page()]

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("ImportPreview")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        # Problems are sentences: they wrap in the last column, which takes
        # the room left, and each row grows to show its whole text.
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)

        def fit_rows(*_args: object) -> None:
            table.resizeRowsToContents()

        self.model.modelReset.connect(fit_rows)
        self.model.dataChanged.connect(fit_rows)
        header.sectionResized.connect(fit_rows)
        return table

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.result_label = _text("", "")
        self.plaintext_label = _text("", "Banner")
        self.remove_button = QPushButton("Remove plaintext passwords")
        self.remove_button.clicked.connect(self.remove_plaintext)
        layout.addWidget(self.result_label)
        layout.addWidget(self.plaintext_label)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.delete_backups_button = QPushButton("Delete the backup")
        self.delete_backups_button.setToolTip(
            "The backups made while removing the plaintext passwords still hold them"
        )
        self.delete_backups_button.clicked.connect(self.delete_backups)
        self.delete_backups_button.setVisible(False)
        layout.addWidget(self.delete_backups_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.count_label = _text("", "Hint")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("Primary")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_chosen)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.import_button)
        return row

    # reacting -----------------------------------------------------------

    def _previewed(self, candidates: list[ImportCandidate]) -> None:
        if self.closed:
            return
        self.model.set_candidates(candidates)
        self.stack.setCurrentIndex(PREVIEW if candidates else NOTHING)
        self._update_buttons()

    def _imported(self, report: ImportReport) -> None:
        if self.closed:
            return
        self.report = report
        self._set_working(False)
        self.stack.setCurrentIndex(RESULT)
        self.result_label.setText(report_text(report))
        left = report.plaintext_left
        self.plaintext_label.setText(plaintext_text(left))
        self.plaintext_label.setVisible(bool(left))
        self.remove_button.setVisible(bool(left))
        self._update_buttons()

    def _plaintext_removed(self, removal: PlaintextRemoval) -> None:
        if self.closed:
            return
        self.removal = removal
        self.plaintext_label.setText(removal.summary())
        self.plaintext_label.setObjectName("ManagedNote")
        self._repolish(self.plaintext_label)
        self.remove_button.setVisible(False)
        count = len(removal.backups)
        self.delete_backups_button.setText(
            "Delete the backup" if count == 1 else f"Delete the {count} backups"
        )
        self.delete_backups_button.setVisible(count > 0)

    def _backups_deleted(self, deleted: list[Path]) -> None:
        if self.closed:
            return
        self.delete_backups_button.setVisible(False)
        text = self.plaintext_label.text()
        for backup in deleted:
            text += f"\nDeleted {backup}."
        self.plaintext_label.setText(text)

    def _show_error(self, error: Exception) -> None:
        if self.closed:
            return
        self._set_working(False)
        if self.stack.currentIndex() == LOADING:
            self.stack.setCurrentIndex(NOTHING)
        self.banner.setText(user_message(error))
        self.banner.setVisible(True)

    def _closing(self, _result: int) -> None:
        self.closed = True

    def _set_working(self, working: bool) -> None:
        self.import_button.setEnabled(not working and bool(self.model.choices()))
        self.table.setEnabled(not working)

    def _update_buttons(self) -> None:
        done = self.stack.currentIndex() == RESULT
        count = len(self.model.choices())
        self.import_button.setVisible(not done)
        self.import_button.setEnabled(count > 0 and not done)
        self.import_button.setText(f"Import {count}" if count else "Import")
        self.cancel_button.setText("Close" if done else "Cancel")
        rows = self.model.rowCount()
        self.count_label.setText(
            "" if done or not rows else f"{count} of {rows} found logins ticked."
        )

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def report_text(report: ImportReport) -> str:
    parts = []
    if report.created:
        parts.append("Added: " + ", ".join(report.created))
    if report.updated:
        parts.append("Updated: " + ", ".join(report.updated))
    for outcome in report.failed:
        who = f"{outcome.candidate.server} ({username_text(outcome.candidate)})"
        parts.append(f"Not imported: {who}: {outcome.error}")
    return "\n".join(parts) or "Nothing was imported."


def plaintext_text(left: list[ImportCandidate]) -> str:
    if not left:
        return ""
    files = sorted({str(candidate.source) for candidate in left})
    hosts = sorted({candidate.host_key for candidate in left})
    return (
        f"The passwords for {', '.join(hosts)} are still written, readable by "
        f"anyone who can read the file, in {', '.join(files)}. dtr-desktop can "
        "remove them (keeping a backup of each file) and let docker, podman and "
        "skopeo ask dtr-desktop for those registries instead."
    )


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("PageTitle")
    return label


def _text(text: str, kind: str) -> QLabel:
    label = QLabel(text)
    if kind:
        label.setObjectName(kind)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
