"""One subscription: its Dashboard and its Settings (Integrations section)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.integration_text import managed_tip, type_label
from dtr_desktop.ui.messages import Prompter, isolated
from dtr_desktop.ui.widgets import EmptyState, page_layout, sidebar, sidebar_column

if TYPE_CHECKING:
    # Imported when first opened: the first screen shows neither dialog.
    from dtr_desktop.domain.values import Integration, Subscription
    from dtr_desktop.ui.attach_dialog import AttachDialog
    from dtr_desktop.ui.export_dialog import ExportDialog

DASHBOARD, SETTINGS = range(2)
SUBSCRIPTION_MANAGED_TIP = (
    "Defined by your administrator's policy, with the integrations it attaches: "
    "it cannot be renamed or deleted."
)
SETTINGS_INTRO = (
    "Registries this subscription's builds may use. Integrations are defined "
    "once in Account Settings → Integrations and attached here."
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


class SubscriptionIntegrationsPage(QWidget):
    """Settings → Integrations: attach account integrations, detach them."""

    open_account_integrations = Signal()

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.prompter = prompter
        self.subscription: Subscription | None = None
        self.dialog: AttachDialog | None = None
        layout = page_layout(self, "Integrations", SETTINGS_INTRO)
        layout.addLayout(self._toolbar())
        self.list = QListWidget()
        self.list.setObjectName("Attached")
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.empty_state = EmptyState("", "", "Attach integration…")
        self.empty_state.button.clicked.connect(self._empty_action)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)
        self._update_buttons()

    def show_subscription(self, subscription: Subscription) -> None:
        keep = self.selected_name()
        self.subscription = subscription
        self.list.clear()
        for item in attached_integrations(self.data, subscription):
            self.list.addItem(_attached_item(item))
        if keep:
            self._select(keep)
        self._update_empty_state()
        self._update_buttons()

    def selected_name(self) -> str | None:
        items = self.list.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def attached_names(self) -> list[str]:
        return [
            str(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
        ]

    def candidates(self) -> list[Integration]:
        attached = {name.casefold() for name in self.attached_names()}
        return [i for i in self.data.integrations if i.name.casefold() not in attached]

    def _free_count(self) -> int:
        """How many integrations could be attached, without listing them all."""
        named = self.data.integration_named
        attached = sum(1 for name in self.attached_names() if named(name))
        return len(self.data.integrations) - attached

    def attach(self) -> None:
        subscription = self.subscription
        if subscription is None or self.dialog is not None:
            return
        from dtr_desktop.ui.attach_dialog import AttachDialog

        dialog = AttachDialog(self.window(), subscription.name, self.candidates())
        dialog.submitted.connect(
            lambda names: self._attach(dialog, subscription, names)
        )
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def detach(self) -> None:
        name = self.selected_name()
        subscription = self.subscription
        if name is None or subscription is None:
            return
        service = self.data.services.subscriptions
        refused = f"“{isolated(name)}” was not detached."
        self.data.run(
            lambda: service.detach(subscription.name, name),
            None,
            lambda error: self._failed(error, refused),
        )

    def _failed(self, error: Exception, context: str) -> None:
        self.prompter.error(error, context)

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.detach_button = QPushButton("Detach")
        self.detach_button.setToolTip(
            "Stop this subscription using the selected integration; the "
            "integration stays in your account."
        )
        self.detach_button.clicked.connect(self.detach)
        self.attach_button = QPushButton("Attach integration…")
        self.attach_button.setObjectName("Primary")
        self.attach_button.clicked.connect(self.attach)
        row.addWidget(self.hint, 1)
        row.addWidget(self.detach_button)
        row.addWidget(self.attach_button)
        return row

    def _update_buttons(self) -> None:
        self.detach_button.setEnabled(self.selected_name() is not None)
        free = self._free_count() if self.subscription else 0
        self.attach_button.setEnabled(free > 0)
        if self.subscription is not None and free == 0 and self.data.integrations:
            self.hint.setText("Every account integration is attached.")
        else:
            self.hint.setText("")

    def _update_empty_state(self) -> None:
        empty = self.list.count() == 0
        self.stack.setCurrentIndex(1 if empty else 0)
        state = self.empty_state
        if self.data.integrations:
            state.title.setText("No integrations attached")
            state.text.setText(
                "Attach the account integrations this subscription uses."
            )
            state.button.setText("Attach integration…")
        else:
            state.title.setText("Your account has no integrations yet")
            state.text.setText(
                "Add one in Account Settings → Integrations, then attach it here."
            )
            state.button.setText("Open Account Settings")

    def _empty_action(self) -> None:
        if self.data.integrations:
            self.attach()
        else:
            self.open_account_integrations.emit()

    def _select(self, name: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentItem(item)

    def _attach(
        self, dialog: AttachDialog, subscription: Subscription, names: list[str]
    ) -> None:
        service = self.data.services.subscriptions

        def attach_all() -> None:
            for name in names:
                service.attach(subscription.name, name)

        self.data.run(attach_all, lambda _none: dialog.accept(), dialog.show_error)

    def _dialog_closed(self, dialog: AttachDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


class SubscriptionSettings(QWidget):
    """The Settings tab: a sidebar of sections (Integrations so far)."""

    SECTIONS = ("Integrations",)

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.sidebar = sidebar(self.SECTIONS)
        self.integrations = SubscriptionIntegrationsPage(data, prompter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.integrations)
        self.sidebar.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("SubscriptionSettingsSplitter")
        self.splitter.addWidget(sidebar_column("Subscription settings", self.sidebar))
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 800])
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)


class SubscriptionView(QWidget):
    """The area under the top bar while a subscription is chosen."""

    create_subscription = Signal()

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.subscription: Subscription | None = None
        self.title = QLabel()
        self.title.setObjectName("PageTitle")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.dashboard = DashboardTab()
        self.settings = SubscriptionSettings(data, prompter)
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.addTab(self.settings, "Settings")
        self.dashboard.manage_integrations.connect(self.show_integrations_settings)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._subscription_page())
        self.stack.addWidget(self._no_subscription_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_subscription(self, subscription: Subscription | None) -> None:
        self.subscription = subscription
        self.stack.setCurrentIndex(0 if subscription else 1)
        if subscription is None:
            return
        self.title.setText(subscription.name)
        self.title.setToolTip(SUBSCRIPTION_MANAGED_TIP if subscription.managed else "")
        self.dashboard.show_subscription(attached_integrations(self.data, subscription))
        self.settings.integrations.show_subscription(subscription)

    def show_integrations_settings(self) -> None:
        self.tabs.setCurrentIndex(SETTINGS)
        self.settings.sidebar.setCurrentRow(0)

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

    def _no_subscription_page(self) -> QWidget:
        self.no_subscription = EmptyState(
            "No subscription yet",
            "A subscription holds your builds and the registry integrations they "
            "use. Create one to get started.",
            "Create a subscription",
        )
        self.no_subscription.button.clicked.connect(self.create_subscription)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 50, 60, 50)
        layout.addWidget(self.no_subscription)
        return page


def _attached_item(item: Integration) -> QListWidgetItem:
    text = f"{isolated(item.name)}    ·  {type_label(item.provider)}  ·  {item.url}"
    entry = QListWidgetItem(text)
    entry.setData(Qt.ItemDataRole.UserRole, item.name)
    entry.setSizeHint(QSize(0, 36))
    entry.setToolTip(f"{isolated(item.name)}: {item.url}")
    if item.managed:
        entry.setIcon(icon("lock"))
        entry.setToolTip(f"{isolated(item.name)}: {item.url}\n{managed_tip(item)}")
    return entry
