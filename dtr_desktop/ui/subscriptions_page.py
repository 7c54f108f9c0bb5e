"""Account Settings → Subscriptions: create, rename and delete them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from dtr_desktop.domain.validation import name_error, name_key
from dtr_desktop.domain.values import Subscription
from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.messages import Prompter, isolated
from dtr_desktop.ui.name_dialog import NameDialog
from dtr_desktop.ui.widgets import EmptyState, page_layout

INTRO = (
    "A subscription groups builds and chooses which account integrations "
    "they may use. Switch between them with the menu at the top left."
)
MANAGED_TIP = "Defined by your administrator's policy; it cannot be changed here."


def subscription_name_error(name: str) -> str | None:
    why = name_error(name)
    return why.replace("integration", "subscription") if why else None


class SubscriptionsPage(QWidget):
    saved = Signal(str, str)  # old name ('' for a new one), new name

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.prompter = prompter
        self.dialog: NameDialog | None = None
        self._select_after: str | None = None
        layout = page_layout(self, "Subscriptions", INTRO)
        layout.addLayout(self._toolbar())
        self.list = QListWidget()
        self.list.setObjectName("Attached")
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(lambda _item: self.rename())
        self.empty_state = EmptyState(
            "No subscriptions yet",
            "Create a subscription, then attach the integrations its builds use.",
            "Create a subscription",
        )
        self.empty_state.button.clicked.connect(self.new_subscription)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)
        data.subscriptions_touched.connect(self._reload)
        self._reload()

    def new_subscription(self) -> None:
        dialog = self._name_dialog("New subscription", "Name of the new subscription:")
        if dialog is None:
            return
        service = self.data.services.subscriptions
        dialog.submitted.connect(
            lambda name: self._save(dialog, "", lambda: service.add(name))
        )

    def rename(self) -> None:
        item = self.selected()
        if item is None or item.managed:
            return
        dialog = self._name_dialog(
            "Rename subscription",
            f"New name for “{isolated(item.name)}”:",
            item.name,
        )
        if dialog is None:
            return
        service = self.data.services.subscriptions
        dialog.submitted.connect(
            lambda name: self._save(
                dialog, item.name, lambda: service.rename(item.name, name)
            )
        )

    def delete(self) -> None:
        item = self.selected()
        if item is None or item.managed or self.prompter.current is not None:
            return
        count = len(item.integrations)
        detail = "It uses no integrations."
        if count:
            detail = (
                f"Its {count} integration(s) are detached from it and stay "
                "in your account."
            )
        self.prompter.confirm(
            "Delete subscription?",
            f"Delete the subscription “{isolated(item.name)}”?",
            lambda: self._delete(item),
            detail=detail,
            yes_text="Delete",
        )

    def selected(self) -> Subscription | None:
        items = self.list.selectedItems()
        if not items:
            return None
        return self.data.subscription(str(items[0].data(Qt.ItemDataRole.UserRole)))

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if str(item.data(Qt.ItemDataRole.UserRole)).casefold() == name.casefold():
                self.list.setCurrentItem(item)
                return

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.create_button = QPushButton(icon("plus"), "New subscription")
        self.create_button.setObjectName("Primary")
        self.create_button.clicked.connect(self.new_subscription)
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self.rename)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("Danger")
        self.delete_button.clicked.connect(self.delete)
        row.addStretch(1)
        for button in (self.rename_button, self.delete_button, self.create_button):
            row.addWidget(button)
        return row

    def _reload(self) -> None:
        keep = self._select_after or _name_of(self.selected())
        self._select_after = None
        self.list.clear()
        for subscription in self.data.subscriptions:
            self.list.addItem(_list_item(subscription))
        if keep:
            self.select(keep)
        empty = self.data.is_ready and not self.data.subscriptions
        self.stack.setCurrentIndex(1 if empty else 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.selected()
        changeable = item is not None and not item.managed
        for button in (self.rename_button, self.delete_button):
            button.setEnabled(changeable)
            button.setToolTip(MANAGED_TIP if item and item.managed else "")

    def _name_dialog(
        self, title: str, prompt: str, initial: str = ""
    ) -> NameDialog | None:
        if self.dialog is not None or not self.data.is_ready:
            return None
        taken = {name_key(s.name) for s in self.data.subscriptions}
        taken.discard(name_key(initial))

        def check(name: str) -> str | None:
            why = subscription_name_error(name)
            if why is None and name_key(name) in taken:
                shown = isolated(name.strip())
                why = f"A subscription named “{shown}” already exists."
            return why

        dialog = NameDialog(self.window(), title, prompt, check, initial)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: NameDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _save(
        self, dialog: NameDialog, old_name: str, action: Callable[[], object]
    ) -> None:
        self.data.run(
            action,
            lambda saved: self._saved(dialog, old_name, saved),
            dialog.show_error,
        )

    def _saved(self, dialog: NameDialog, old_name: str, saved: Subscription) -> None:
        self._select_after = saved.name
        dialog.accept()
        self.saved.emit(old_name, saved.name)

    def _failed(self, error: Exception, context: str) -> None:
        self.prompter.error(error, context)

    def _delete(self, item: Subscription) -> None:
        service = self.data.services.subscriptions
        self.data.run(
            lambda: service.delete(item.name),
            None,
            lambda error: self._failed(
                error, f"“{isolated(item.name)}” was not deleted."
            ),
        )


def _name_of(item: Subscription | None) -> str | None:
    return item.name if item is not None else None


def _list_item(subscription: Subscription) -> QListWidgetItem:
    count = len(subscription.integrations)
    noun = "integration" if count == 1 else "integrations"
    text = f"{isolated(subscription.name)}    ·  {count} {noun}"
    if subscription.managed:
        text += "  ·  managed"
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, subscription.name)
    item.setSizeHint(QSize(0, 36))
    if subscription.integrations:
        item.setToolTip("Uses: " + ", ".join(map(isolated, subscription.integrations)))
    if subscription.managed:
        item.setIcon(icon("lock"))
        item.setToolTip(f"{item.toolTip()}\n{MANAGED_TIP}".strip())
    return item
