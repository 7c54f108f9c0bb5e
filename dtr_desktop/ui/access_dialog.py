"""Check access: may this integration pull from and push to a repository?

The three things an integration exists for — pull an image, build an image
whose FROM pulls from the registry, push an image — each shown as granted,
denied or unknown with the registry's reason. Building FROM needs exactly
the pull right, so it shares pull's verdict. Push is proven by starting an
upload and cancelling it; nothing is left in the repository.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.values import Integration
from dtr_desktop.registry.client import AccessReport, Permission, repository_error
from dtr_desktop.services.registry_checks import RegistryChecks
from dtr_desktop.ui.dialog_fit import grow_to_fit
from dtr_desktop.ui.messages import isolated, user_message
from dtr_desktop.ui.registry_calls import (
    FAILED,
    OK,
    WARNING,
    RegistryCalls,
    kind_icon,
)

log = logging.getLogger(__name__)

#: (key, label, what it means) for each row of the result.
SCENARIOS = (
    ("pull", "Pull", "docker pull an image from this repository"),
    ("build", "Build FROM", "docker build with FROM an image of this repository"),
    ("push", "Push", "docker push an image to this repository"),
)
_KINDS = {"granted": OK, "denied": FAILED, "unknown": WARNING}
_WORDS = {"granted": "Granted", "denied": "Denied", "unknown": "Unknown"}


class _ScenarioRow:
    """The icon, verdict and reason of one scenario."""

    def __init__(self, grid: QGridLayout, row: int, label: str, tip: str) -> None:
        self.icon = QLabel()
        self.name = QLabel(label)
        self.name.setToolTip(tip)
        self.state = QLabel("—")
        self.reason = QLabel()
        self.reason.setObjectName("Hint")
        self.reason.setWordWrap(True)
        top = Qt.AlignmentFlag.AlignTop
        for column, widget in enumerate((self.icon, self.name, self.state)):
            grid.addWidget(widget, row, column, top)
        grid.addWidget(self.reason, row, 3, top)

    def show(self, permission: Permission | None) -> None:
        if permission is None:
            self.icon.clear()
            self.state.setText("—")
            self.reason.clear()
            return
        state = permission.state.value
        self.icon.setPixmap(kind_icon(_KINDS[state]).pixmap(18, 18))
        self.state.setText(_WORDS[state])
        self.reason.setText(permission.reason)


class CheckAccessDialog(QDialog):
    """Names a repository, runs the check on a worker, shows three verdicts.

    ``checked`` is emitted each time a check ends (result, error or cancel).
    """

    checked = Signal()

    def __init__(
        self, parent: QWidget | None, integration: Integration, calls: RegistryCalls
    ) -> None:
        super().__init__(parent)
        self.integration = integration
        self._calls = calls
        self._cancel: threading.Event | None = None
        self.report: AccessReport | None = None
        self.setWindowTitle(f"Check access — {isolated(integration.name)}")
        self.setMinimumWidth(620)
        self._build()
        self.finished.connect(lambda _result: self.cancel())

    def check(self) -> None:
        repository = self.repository_edit.text().strip().strip("/")
        why = repository_error(repository)
        if why:
            # The verdicts on screen were for another repository: clear them.
            self.report = None
            self._show_report(None)
            self._show_error(why)
            return
        if self._cancel is not None:
            return
        item_id = self.integration.id

        def run(checks: RegistryChecks, cancel: threading.Event) -> object:
            return checks.check_access(item_id, repository, cancel=cancel)

        self._cancel = self._calls.start(run, self._checked, self._failed)
        self._set_busy(True)
        self._show_error("")
        self._show_report(None)

    def cancel(self) -> None:
        if self._cancel is None:
            return
        self._cancel.set()
        self._cancel = None
        self._set_busy(False)
        self._show_error("Check cancelled.")
        self.checked.emit()

    def verdict(self, key: str) -> str:
        """The verdict shown for ``pull``, ``build`` or ``push``."""
        return self.rows[key].state.text()

    def reason(self, key: str) -> str:
        return self.rows[key].reason.text()

    # results --------------------------------------------------------------

    def _checked(self, report: AccessReport) -> None:
        self._cancel = None
        self._set_busy(False)
        self.report = report
        log.info("access check: pull %s, push %s", report.pull.state, report.push.state)
        self._show_report(report)
        self.checked.emit()

    def _failed(self, error: Exception) -> None:
        self._cancel = None
        self._set_busy(False)
        self._show_error(user_message(error))
        self.checked.emit()

    def _show_report(self, report: AccessReport | None) -> None:
        self.rows["pull"].show(report.pull if report else None)
        self.rows["build"].show(report.pull if report else None)
        self.rows["push"].show(report.push if report else None)
        grow_to_fit(self)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        grow_to_fit(self)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.stop_button.setVisible(busy)
        self.check_button.setEnabled(not busy)

    # building -------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        heading = QLabel(f"What may “{isolated(self.integration.name)}” do?")
        heading.setObjectName("SectionTitle")
        layout.addWidget(heading)
        layout.addLayout(self._repository_row())
        self.error_label = QLabel()
        self.error_label.setObjectName("FieldError")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        layout.addLayout(self._result_grid())
        layout.addStretch(1)
        layout.addLayout(self._close_row())

    def _repository_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.repository_edit = QLineEdit()
        self.repository_edit.setObjectName("repository_edit")
        self.repository_edit.setPlaceholderText("Repository, e.g. team/app")
        self.repository_edit.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.setObjectName("Primary")
        self.check_button.clicked.connect(self.check)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(80)
        self.busy.setTextVisible(False)
        self.stop_button = QPushButton("Cancel check")
        self.stop_button.clicked.connect(self.cancel)
        for widget in (self.busy, self.stop_button):
            widget.setVisible(False)
        row.addWidget(self.repository_edit, 1)
        for widget in (self.check_button, self.busy, self.stop_button):
            row.addWidget(widget)
        return row

    def _result_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(3, 1)
        self.rows = {
            key: _ScenarioRow(grid, row, label, tip)
            for row, (key, label, tip) in enumerate(SCENARIOS)
        }
        return grid

    def _close_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        self.check_button.setDefault(True)
        self.repository_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return row
