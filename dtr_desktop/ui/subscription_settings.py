"""A subscription's Settings tab: a sidebar of sections, Integrations so far.

Built the first time the tab is shown, not with the window: the first screen
is the Dashboard, and this tab's lists, sidebar and their style sheets cost
more to build than the rest of that screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.integration_text import managed_tip, type_label
from dtr_desktop.ui.messages import Prompter, isolated
from dtr_desktop.ui.subscription_view import attached_integrations
from dtr_desktop.ui.widgets import EmptyState, page_layout, sidebar, sidebar_column

if TYPE_CHECKING:
    from dtr_desktop.domain.values import Integration, Subscription
    from dtr_desktop.ui.attach_dialog import AttachDialog

SETTINGS_INTRO = (
    "Registries this subscription's builds may use. Integrations are defined "
    "once in Account Settings → Integrations and attached here."
)


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
        # Parents first: a polished widget moved into a new parent is
        # polished again, with the application style sheet.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("SubscriptionSettingsSplitter")
        layout.addWidget(self.splitter)
        self.sidebar = sidebar(self.SECTIONS)
        self.splitter.addWidget(sidebar_column("Subscription settings", self.sidebar))
        self.pages = QStackedWidget()
        self.splitter.addWidget(self.pages)
        self.integrations = SubscriptionIntegrationsPage(data, prompter, self.pages)
        self.pages.addWidget(self.integrations)
        self.sidebar.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 800])
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)


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
