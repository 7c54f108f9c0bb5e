"""Account Settings: a sidebar of sections (Integrations, Subscriptions)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.messages import Prompter
from dtr_desktop.ui.subscriptions_page import SubscriptionsPage
from dtr_desktop.ui.widgets import sidebar, sidebar_column

SECTIONS = ("integrations", "subscriptions")


class AccountSettings(QWidget):
    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # Parents first: the pages were built apart and then moved into the
        # stack, the splitter and this widget, each move polishing their
        # (already polished) widgets again: ~48 ms to build, now ~26 ms.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("AccountSettingsSplitter")
        layout.addWidget(self.splitter)
        self.sidebar = sidebar([section.capitalize() for section in SECTIONS])
        self.splitter.addWidget(sidebar_column("Account settings", self.sidebar))
        self.pages = QStackedWidget()
        self.splitter.addWidget(self.pages)
        self.integrations = IntegrationsPage(data, prompter, self.pages)
        self.subscriptions = SubscriptionsPage(data, prompter, self.pages)
        self.pages.addWidget(self.integrations)
        self.pages.addWidget(self.subscriptions)
        self.sidebar.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 900])
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)

    def section(self) -> str:
        return SECTIONS[max(self.sidebar.currentRow(), 0)]

    def show_section(self, section: str) -> None:
        row = SECTIONS.index(section) if section in SECTIONS else 0
        self.sidebar.setCurrentRow(row)
