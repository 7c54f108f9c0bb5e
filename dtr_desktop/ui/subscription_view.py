"""One subscription: its Dashboard and its Settings (Integrations section).

The window opens on the Dashboard. The Settings tab's content and the page
shown while there is no subscription are built the first time they are
needed, and nothing built before the first paint reads PySide's ``Qt``
namespace: PySide creates its ~90 enum types on first use of ``Qt``, about
25 ms, and an empty window never pays that before it paints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.integration_text import type_label
from dtr_desktop.ui.messages import Prompter

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray

    from dtr_desktop.domain.values import Integration, Subscription
    from dtr_desktop.ui.export_dialog import ExportDialog
    from dtr_desktop.ui.subscription_settings import SubscriptionSettings
    from dtr_desktop.ui.widgets import EmptyState

DASHBOARD, SETTINGS = range(2)
SUBSCRIPTION_PAGE, NO_SUBSCRIPTION_PAGE = range(2)
SUBSCRIPTION_MANAGED_TIP = (
    "Defined by your administrator's policy, with the integrations it attaches: "
    "it cannot be renamed or deleted."
)


def attached_integrations(
    data: AccountData, subscription: Subscription
) -> list[Integration]:
    found = (data.integration_named(name) for name in subscription.integrations)
    return [item for item in found if item is not None]


class DashboardTab(QWidget):
    """An overview of the subscription; integrations are the part built so far."""

    manage_integrations = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(14)
        self.card = QFrame()
        self.card.setObjectName("Card")
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(20, 16, 20, 16)
        card_layout.setSpacing(8)
        self._card_header(card_layout)
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(24)
        self.rows.setVerticalSpacing(6)
        card_layout.addLayout(self.rows)
        layout.addWidget(self.card)
        layout.addStretch(1)

    def _card_header(self, layout: QVBoxLayout) -> None:
        top = QHBoxLayout()
        title = QLabel("Registry integrations")
        title.setObjectName("SectionTitle")
        self.manage_button = QPushButton("Manage in Settings →")
        self.manage_button.setObjectName("Link")
        self.manage_button.clicked.connect(self.manage_integrations)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.manage_button)
        self.count_label = QLabel()
        self.count_label.setObjectName("CardNumber")
        layout.addLayout(top)
        layout.addWidget(self.count_label)

    def show_subscription(self, integrations: list[Integration]) -> None:
        self.count_label.setText(str(len(integrations)))
        while self.rows.count():
            taken = self.rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        if not integrations:
            note = QLabel(
                "No registry is attached yet. Builds in this subscription can "
                "only use public images until you attach an integration."
            )
            note.setObjectName("Hint")
            note.setWordWrap(True)
            self.rows.addWidget(note, 0, 0, 1, 3)
        for row, item in enumerate(integrations):
            texts = (item.name, type_label(item.provider), item.url)
            for column, text in enumerate(texts):
                label = QLabel(text)
                label.setObjectName("Hint" if column else "")
                self.rows.addWidget(label, row, column)
        self.rows.setColumnStretch(2, 1)


class SubscriptionView(QWidget):
    """The area under the top bar while a subscription is chosen."""

    create_subscription = Signal()
    open_account_integrations = Signal()

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.prompter = prompter
        self.subscription: Subscription | None = None
        self._settings: SubscriptionSettings | None = None
        self._settings_splitter: QByteArray | None = None
        self._no_subscription: EmptyState | None = None
        # Parents first, tabs last: the tab bar is polished when it measures
        # its tabs, and would be polished again with each move to a parent.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.title = QLabel()
        self.title.setObjectName("PageTitle")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.stack.addWidget(self._subscription_page())
        self.dashboard = DashboardTab()
        self.dashboard.manage_integrations.connect(self.show_integrations_settings)
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.addTab(self._settings_tab(), "Settings")
        self.tabs.currentChanged.connect(self._tab_shown)

    @property
    def settings(self) -> SubscriptionSettings:
        """The Settings tab's content, built the first time anything asks for it."""
        if self._settings is None:
            self._settings = self._build_settings()
        return self._settings

    @property
    def built_settings(self) -> SubscriptionSettings | None:
        """The Settings tab's content if it has been built, without building it."""
        return self._settings

    @property
    def no_subscription(self) -> EmptyState:
        """The invitation to create a subscription, built when first needed."""
        if self._no_subscription is None:
            self._no_subscription = self._build_no_subscription()
        return self._no_subscription

    def restore_settings_splitter(self, state: QByteArray) -> None:
        """Give the Settings splitter its saved sizes, now or once it is built."""
        if self._settings is None:
            self._settings_splitter = state
        else:
            self._settings.splitter.restoreState(state)

    def show_subscription(self, subscription: Subscription | None) -> None:
        self.subscription = subscription
        if subscription is None:
            _ = self.no_subscription  # builds the page on first use
            self.stack.setCurrentIndex(NO_SUBSCRIPTION_PAGE)
            return
        self.stack.setCurrentIndex(SUBSCRIPTION_PAGE)
        self.title.setText(subscription.name)
        self.title.setToolTip(SUBSCRIPTION_MANAGED_TIP if subscription.managed else "")
        self.dashboard.show_subscription(attached_integrations(self.data, subscription))
        if self._settings is not None:
            self._settings.integrations.show_subscription(subscription)

    def show_integrations_settings(self) -> None:
        self.tabs.setCurrentIndex(SETTINGS)
        self.settings.sidebar.setCurrentRow(0)

    def _settings_tab(self) -> QWidget:
        """The Settings tab's page; its content is added when first shown."""
        self._settings_page = QWidget()
        self._settings_layout = QVBoxLayout(self._settings_page)
        self._settings_layout.setContentsMargins(0, 0, 0, 0)
        return self._settings_page

    def _tab_shown(self, index: int) -> None:
        if index == SETTINGS:
            _ = self.settings

    def _build_settings(self) -> SubscriptionSettings:
        from dtr_desktop.ui.subscription_settings import SubscriptionSettings

        settings = SubscriptionSettings(self.data, self.prompter, self._settings_page)
        self._settings_layout.addWidget(settings)
        settings.show()
        settings.integrations.open_account_integrations.connect(
            self.open_account_integrations
        )
        if self._settings_splitter is not None:
            settings.splitter.restoreState(self._settings_splitter)
            self._settings_splitter = None
        if self.subscription is not None:
            settings.integrations.show_subscription(self.subscription)
        return settings

    def _subscription_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QHBoxLayout()
        header.setContentsMargins(28, 18, 28, 6)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self._export_button())
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        return page

    def _export_button(self) -> QPushButton:
        self.export_dialog: ExportDialog | None = None
        self.export_button = QPushButton("Export credentials…")
        self.export_button.setToolTip(
            "Write this subscription's registry logins to a file for CI"
        )
        self.export_button.clicked.connect(self.export_credentials)
        return self.export_button

    def export_credentials(self) -> None:
        """Export for CI; the dialog warns that the file holds passwords."""
        if self.subscription is None or self.export_dialog is not None:
            return
        from dtr_desktop.ui.export_dialog import open_export_dialog

        dialog = open_export_dialog(self.window(), self.data, self.subscription)
        dialog.finished.connect(lambda _result: self._export_closed(dialog))
        self.export_dialog = dialog

    def _export_closed(self, dialog: ExportDialog) -> None:
        if self.export_dialog is dialog:
            self.export_dialog = None
        dialog.deleteLater()

    def _build_no_subscription(self) -> EmptyState:
        from dtr_desktop.ui.widgets import EmptyState

        empty = EmptyState(
            "No subscription yet",
            "A subscription holds your builds and the registry integrations they "
            "use. Create one to get started.",
            "Create a subscription",
        )
        empty.button.clicked.connect(self.create_subscription)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 50, 60, 50)
        layout.addWidget(empty)
        index = self.stack.addWidget(page)
        assert index == NO_SUBSCRIPTION_PAGE
        return empty
