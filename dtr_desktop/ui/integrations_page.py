"""Account Settings → Integrations: the table, its filter and the actions."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QWidget,
)

from dtr_desktop.domain.errors import IntegrationInUse
from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.docker_actions import DockerActions
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.in_use_dialog import IntegrationInUseDialog
from dtr_desktop.ui.integration_dialog import IntegrationDialog
from dtr_desktop.ui.integration_model import (
    HEADERS,
    NAME,
    STATUS,
    URL,
    IntegrationFilterProxy,
    IntegrationTableModel,
)
from dtr_desktop.ui.messages import Prompter, isolated
from dtr_desktop.ui.registry_actions import RegistryActions
from dtr_desktop.ui.widgets import EmptyState, page_layout

log = logging.getLogger(__name__)

TABLE, EMPTY, NO_MATCH, LOADING = range(4)
FILTER_DELAY_MS = 150
INTRO = (
    "Registries your subscriptions can pull from and push to. Passwords are "
    "kept in your system keyring, never on disk."
)
EMPTY_TEXT = (
    "Add one for each registry your builds use: Docker Trusted Registry, a "
    "private Docker Registry, Docker Hub, Quay.io, Harbor or GitLab. Then "
    "attach it to a subscription in that subscription's Settings."
)


class IntegrationsPage(QWidget):
    """The account's integrations; subscriptions are only shown, not changed."""

    open_subscription_settings = Signal(str)

    def __init__(
        self, data: AccountData, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.prompter = prompter
        self.dialog: IntegrationDialog | None = None
        self._reading = False  # an Edit waits for its integration to be read
        self.in_use_dialog: IntegrationInUseDialog | None = None
        self._select_after: str | None = None
        self.model = IntegrationTableModel(self)
        self.proxy = IntegrationFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        layout = page_layout(self, "Integrations", INTRO)
        toolbar = self._toolbar()
        layout.addLayout(toolbar)
        self.stack = QStackedWidget()
        for widget in self._stack_pages():
            self.stack.addWidget(widget)
        self.stack.setCurrentIndex(LOADING)
        layout.addWidget(self.stack, 1)
        self._add_shortcuts()
        data.changed.connect(self._reload)
        data.integration_put.connect(self._put)
        data.integration_removed.connect(self._removed)
        data.tests_recorded.connect(self.model.tests_recorded)
        self.docker = DockerActions(self, toolbar)
        _reserve_a_line(self.docker.status)
        self.registry = RegistryActions(self)
        self._reload()

    # what the user does -------------------------------------------------

    def add(self) -> None:
        if not self._can_open_dialog():
            return
        dialog = IntegrationDialog(
            self.window(), self.model.names(), registry=self.registry.calls
        )
        dialog.submitted.connect(lambda draft, pw: self._save_new(dialog, draft, pw))
        self._open_dialog(dialog)

    def edit(self) -> None:
        """Read the whole integration in a worker, then open the Edit dialog."""
        listed = self.selected()
        if listed is None or self._reading or not self._can_open_dialog():
            return
        self._reading = True
        self.data.runner.submit(
            lambda: self.data.services.integrations.get_by_id(listed.id),
            self._open_edit,
            lambda error: self._edit_unreadable(listed, error),
        )

    def _open_edit(self, item: Integration) -> None:
        self._reading = False
        if self.dialog is not None:
            return
        dialog = IntegrationDialog(
            self.window(), self.model.names(), item, self.registry.calls
        )
        dialog.submitted.connect(
            lambda draft, pw: self._save_edit(dialog, item, draft, pw)
        )
        self._open_dialog(dialog)
        self._ask_password_saved(dialog, item)

    def _ask_password_saved(self, dialog: IntegrationDialog, item: Integration) -> None:
        """Tell the Edit dialog, from a worker, whether a password is saved."""
        dialog.set_password_saved(None)
        service = self.data.services.integrations

        def show(saved: object) -> None:
            if self.dialog is dialog:
                dialog.set_password_saved(bool(saved))

        self.data.runner.submit(lambda: service.has_password(item.id), show)

    def _edit_unreadable(self, listed: Integration, error: Exception) -> None:
        self._reading = False
        unreadable = f"“{isolated(listed.name)}” could not be opened."
        self.prompter.error(error, unreadable)
        self.data.refresh()

    def delete(self) -> None:
        item = self.selected()
        if item is None or self.prompter.current is not None:
            return
        if item.locked:
            self.prompter.inform("Managed by your administrator", _locked_text(item))
        elif item.subscriptions:
            self.show_in_use(item.name, item.subscriptions)
        else:
            self.prompter.confirm(
                "Delete integration?",
                f"Delete the integration “{isolated(item.name)}”?",
                lambda: self._delete(item),
                detail="Its saved password is removed from the system keyring. "
                "This cannot be undone.",
                yes_text="Delete",
            )

    def show_in_use(self, name: str, subscriptions: Sequence[str]) -> None:
        dialog = IntegrationInUseDialog(self.window(), name, subscriptions)
        dialog.open_settings.connect(self.open_subscription_settings)
        dialog.finished.connect(lambda _result: self._in_use_closed(dialog))
        self.in_use_dialog = dialog
        dialog.open()

    def selected(self) -> Integration | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.integration_at(rows[0].row())

    def select(self, integration_id: str) -> None:
        row = self.model.row_of(integration_id)
        if row < 0:
            return
        index = self.proxy.index(row, NAME)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def set_filter(self, text: str) -> None:
        self.filter_edit.setText(text)
        self.apply_filter_now()

    # building -----------------------------------------------------------

    def _toolbar(self) -> QHBoxLayout:
        # Filtering 100,000 rows takes a moment: wait for a pause in typing.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._filter_changed)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            "Filter by name, type, URL, user or subscription"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(
            icon("search"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter_now)
        self.filter_edit.returnPressed.connect(self._focus_table)
        self.add_button = QPushButton(icon("plus"), "Add integration")
        self.add_button.setObjectName("Primary")
        self.add_button.setToolTip("Add an integration (Ctrl+N)")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip("Edit the selected integration (Enter)")
        self.edit_button.clicked.connect(self.edit)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("Danger")
        self.delete_button.setToolTip("Delete the selected integration (Delete)")
        self.delete_button.clicked.connect(self.delete)
        row.addWidget(self.filter_edit, 1)
        for button in (self.edit_button, self.delete_button, self.add_button):
            row.addWidget(button)
        return row

    def _stack_pages(self) -> list[QWidget]:
        self.table = self._table()
        self.empty_state = EmptyState(
            "No integrations yet", EMPTY_TEXT, "Add your first integration"
        )
        self.empty_state.button.clicked.connect(self.add)
        self.no_match = EmptyState("Nothing matches", "", "Clear the filter")
        self.no_match.button.clicked.connect(self.filter_edit.clear)
        loading = EmptyState("Opening your integrations…", "")
        return [self.table, self.empty_state, self.no_match, loading]

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("IntegrationsTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Tab moves on to the buttons below; the arrow keys move between cells.
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(34)
        self._size_columns(table.horizontalHeader())
        table.doubleClicked.connect(lambda _index: self.edit())
        table.selectionModel().selectionChanged.connect(self._update_buttons)
        return table

    @staticmethod
    def _size_columns(header: QHeaderView) -> None:
        header.setHighlightSections(False)
        header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        # The URL and the Status share what is left (a URL elided in the
        # middle), so Status stays in view without a horizontal scroll bar on
        # a 1000 px window and reads whole at the usual 1180.
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        widths = (125, 160, 0, 88, 112, 0)
        for column, width in enumerate(widths[: len(HEADERS)]):
            if column in (URL, STATUS):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.resizeSection(column, width)

    def _add_shortcuts(self) -> None:
        self.add_action = QAction("Add integration", self)
        self.add_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_action.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.add_action.triggered.connect(self.add)
        self.addAction(self.add_action)
        context = Qt.ShortcutContext.WidgetShortcut
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.edit, context)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.delete, context)

    # reacting -----------------------------------------------------------

    def _reload(self) -> None:
        keep = self._select_after or _id_of(self.selected())
        self._select_after = None
        self.model.set_rows(self.data.integrations)
        if keep:
            self.select(keep)
        self._update_page()
        self._update_buttons()

    def apply_filter_now(self) -> None:
        self._filter_timer.stop()
        self._filter_changed()

    def _filter_changed(self) -> None:
        self.proxy.set_filter_text(self.filter_edit.text())
        # The model keeps the selected row through a filter change; show it.
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(rows[0])
        self._update_page()
        self._update_buttons()

    def _put(self, item: Integration, old_slot: int, slot: int) -> None:
        """One integration added or edited: only its row changes."""
        keep = self._select_after or _id_of(self.selected())
        self._select_after = None
        self.model.placed(old_slot, slot)
        if keep and self.model.row_of(keep) < 0:
            # Filtered out now: the view had moved the selection to a row
            # next to it, which Delete would then have acted on.
            self.table.selectionModel().clear()
        elif keep:
            self.select(keep)
        self._row_count_changed()

    def _removed(self, _integration_id: str, slot: int) -> None:
        self.model.removed(slot)
        self._row_count_changed()

    def _row_count_changed(self) -> None:
        self._update_page()
        self._update_buttons()
        self.registry.update_enabled()

    def _update_page(self) -> None:
        if not self.data.is_ready:
            page = LOADING
        elif self.model.source_count() == 0:
            page = EMPTY
        elif self.proxy.rowCount() == 0:
            page = NO_MATCH
            self.no_match.text.setText(
                f"No integration matches “{self.filter_edit.text().strip()}”."
            )
        else:
            page = TABLE
        self.stack.setCurrentIndex(page)

    def _update_buttons(self) -> None:
        item = self.selected()
        self.edit_button.setEnabled(item is not None)
        self.delete_button.setEnabled(item is not None and not item.locked)
        tip = "Delete the selected integration (Delete)"
        if item is not None and item.locked:
            tip = _locked_text(item)
        self.delete_button.setToolTip(tip)
        self.docker.follow_selection()

    def _focus_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus()
        if self.selected() is None:
            self.table.selectRow(0)

    def _can_open_dialog(self) -> bool:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return False
        return self.data.is_ready

    def _open_dialog(self, dialog: IntegrationDialog) -> None:
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: IntegrationDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _in_use_closed(self, dialog: IntegrationInUseDialog) -> None:
        if self.in_use_dialog is dialog:
            self.in_use_dialog = None
        dialog.deleteLater()

    # saving -------------------------------------------------------------

    def _save_new(
        self, dialog: IntegrationDialog, draft: IntegrationDraft, password: str | None
    ) -> None:
        service = self.data.services.integrations
        tested = dialog.last_test_for(draft, password)
        self.data.run(
            lambda: service.add(draft, password, last_test=tested),
            lambda added: self._saved(dialog, added),
            dialog.show_error,
            reload=False,
        )

    def _save_edit(
        self,
        dialog: IntegrationDialog,
        item: Integration,
        draft: IntegrationDraft,
        password: str | None,
    ) -> None:
        service = self.data.services.integrations
        tested = dialog.last_test_for(draft, password)
        self.data.run(
            lambda: service.edit(item.id, draft, password, last_test=tested),
            lambda edited: self._saved(dialog, edited),
            dialog.show_error,
            reload=False,
        )

    def _saved(self, dialog: IntegrationDialog, item: Integration) -> None:
        self._select_after = item.id
        self.data.put_integration(item)
        dialog.set_saving(False)
        dialog.accept()

    def _delete(self, item: Integration) -> None:
        service = self.data.services.integrations
        self.data.run(
            lambda: service.delete(item.id),
            lambda _none: self.data.drop_integration(item.id),
            lambda error: self._delete_failed(item, error),
            reload=False,
        )

    def _delete_failed(self, item: Integration, error: Exception) -> None:
        if isinstance(error, IntegrationInUse):
            self.show_in_use(error.integration, error.subscriptions)
        else:
            self.prompter.error(error, f"“{isolated(item.name)}” was not deleted.")


def _id_of(item: Integration | None) -> str | None:
    return item.id if item is not None else None


def _locked_text(item: Integration) -> str:
    return (
        f"“{isolated(item.name)}” is managed by your administrator's policy and "
        "cannot be deleted here."
    )


def _reserve_a_line(label: QLabel) -> None:
    """Keep one line's room for ``label`` even while it is empty or hidden.

    The Docker line appears once the first row is selected; had it taken its
    room then, the table would have moved down under the pointer and a
    double-click meant for a row would have landed on the header.
    """
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setMinimumHeight(label.fontMetrics().lineSpacing())
