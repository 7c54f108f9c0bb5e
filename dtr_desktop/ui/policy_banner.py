"""The administrator's policy at start-up: applied in a worker, reported in a banner.

The policy is applied before the lists first load, so the window never shows
a state the policy is about to change. A broken policy file must not keep
anyone from their own data: its message goes into a banner the user can
read and dismiss, and the window opens as usual.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.messages import user_message

HEADING = "Your administrator's policy"


class PolicyBanner(QFrame):
    """A dismissable strip under the top bar with the policy's warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PolicyBanner")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 0)
        self.label = QLabel()
        self.label.setObjectName("Banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide the policy message")
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    def show_warnings(self, warnings: Sequence[str]) -> None:
        """Show the warnings; an empty list hides the banner."""
        if not warnings:
            self.setVisible(False)
            return
        self.label.setText(f"{HEADING}\n" + "\n".join(warnings))
        self.setVisible(True)

    def text(self) -> str:
        return self.label.text()


def start_with_policy(data: AccountData, banner: PolicyBanner) -> None:
    """Apply the policy in a worker, show what it said, then open the lists."""

    def apply() -> list[str]:
        # Imported here, in the worker: the policy modules take ~15 ms to
        # import, which the window would otherwise spend right after its
        # first paint instead of answering the user.
        from dtr_desktop.services.policy import apply_policy_at_start

        return apply_policy_at_start(services)

    def applied(warnings: list[str]) -> None:
        banner.show_warnings(warnings)
        data.start()

    def failed(error: Exception) -> None:
        banner.show_warnings([_not_applied(error)])
        data.start()

    services = data.services
    data.runner.submit(apply, applied, failed)


def _not_applied(error: Exception) -> str:
    return f"The policy could not be applied: {user_message(error)}"
