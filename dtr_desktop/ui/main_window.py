"""The main window: a top bar over either a subscription or Account Settings.

Account Settings (both tables, their dialogs and registry actions) is built
on first use, or right after the first paint while the account opens in a
worker: the first screen shows a subscription, and building the rest before
painting it cost ~120 ms of start-up. For the same reason nothing built
before the first paint reads PySide's ``Qt`` namespace (its ~90 enum types
cost ~25 ms when first used): the policy banner and the Quit shortcut are
added in ``start``.

After the paint that work runs a step at a time, one step per pass of the
event loop (``LATER``), so a click right after the paint waits for one step
(~25 ms), not for all of them (~130 ms).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.services import Services
from dtr_desktop.ui import window_state as state
from dtr_desktop.ui.account_data import AccountData
from dtr_desktop.ui.dialog_fit import TITLE_BAR
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.messages import Prompter
from dtr_desktop.ui.subscription_view import DASHBOARD, SETTINGS, SubscriptionView

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from dtr_desktop.domain.values import Subscription
    from dtr_desktop.ui.account_settings import AccountSettings
    from dtr_desktop.ui.policy_banner import PolicyBanner

log = logging.getLogger(__name__)

SUBSCRIPTION_PAGE, ACCOUNT_PAGE = range(2)
TAB_SECTIONS = {DASHBOARD: "dashboard", SETTINGS: "settings"}
#: The least room the pages under the top bar need to stay legible: the
#: Integrations page's filter box, whole button labels and a few table rows,
#: the subscription's tabs and lists. With the top bar and a title bar it fits
#: an 800×600 screen.
PAGES_MINIMUM = QSize(780, 440)
#: Modules Account Settings needs, imported a step at a time after the paint
#: (~15-25 ms each); the next step builds Account Settings itself (~35 ms).
LATER = (
    "dtr_desktop.ui.integration_model",
    "dtr_desktop.ui.integration_dialog",
    "dtr_desktop.ui.account_settings",
)


class MainWindow(QMainWindow):
    def __init__(
        self, services: Services, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.data = AccountData(services, self)
        self.prompter = Prompter(self)
        self._current = state.read_text(settings, state.SUBSCRIPTION) or None
        self.setWindowTitle("DTR Desktop")
        self.setWindowIcon(icon("dtr-desktop"))
        self._account: AccountSettings | None = None
        self._policy_banner: PolicyBanner | None = None
        self.quit_action: QAction | None = None
        self._closed = False
        self._build()
        self._connect()
        self._restore()

    def start(self) -> None:
        """Apply the policy, then open the database and keyring; after first paint.

        Account Settings is then prepared in steps while the account opens
        in a worker, unless the user asks for it first.
        """
        from dtr_desktop.ui.policy_banner import start_with_policy

        if self.quit_action is None:
            self.quit_action = self._quit_action()
        start_with_policy(self.data, self.policy_banner)
        imports = [partial(importlib.import_module, name) for name in LATER]
        self._run_later([*imports, lambda: self.account])

    @property
    def policy_banner(self) -> PolicyBanner:
        """The policy's warnings under the top bar, hidden until there are any."""
        if self._policy_banner is None:
            from dtr_desktop.ui.policy_banner import PolicyBanner

            self._policy_banner = PolicyBanner()
            layout = self._central_layout
            layout.insertWidget(layout.indexOf(self.stack), self._policy_banner)
        return self._policy_banner

    @property
    def account(self) -> AccountSettings:
        """Account Settings, built the first time anything asks for it."""
        if self._account is None:
            self._account = self._build_account()
        return self._account

    def _run_later(self, steps: Sequence[Callable[[], object]]) -> None:
        """Run ``steps`` in order, one per pass of the event loop.

        A 1 ms timer, not 0: Qt runs zero-delay calls queued by one another
        back to back, before the input and timers waiting between them.
        """
        if not steps:
            return

        def run_first() -> None:
            if not self._closed:
                steps[0]()
                self._run_later(steps[1:])

        QTimer.singleShot(1, self, run_first)

    # navigation ---------------------------------------------------------

    def current_subscription(self) -> Subscription | None:
        return self.data.subscription(self._current) if self._current else None

    def choose_subscription(self, name: str) -> None:
        from PySide6.QtCore import Qt

        index = self.subscription_combo.findText(name, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.subscription_combo.setCurrentIndex(index)
        self.show_subscription()

    def show_subscription(self, tab: int | None = None) -> None:
        self.stack.setCurrentIndex(SUBSCRIPTION_PAGE)
        self.gear_button.setChecked(False)
        if tab is not None:
            self.subscription_view.tabs.setCurrentIndex(tab)

    def show_subscription_settings(self, name: str) -> None:
        """Settings → Integrations of the named subscription."""
        self.choose_subscription(name)
        self.subscription_view.show_integrations_settings()

    def show_account_settings(self, section: str | None = None) -> None:
        account = self.account
        self.stack.setCurrentIndex(ACCOUNT_PAGE)
        self.gear_button.setChecked(True)
        if section is not None:
            account.show_section(section)

    def section(self) -> str:
        if self.stack.currentIndex() == ACCOUNT_PAGE:
            return f"account:{self.account.section()}"
        return TAB_SECTIONS[self.subscription_view.tabs.currentIndex()]

    # building -----------------------------------------------------------

    def _build(self) -> None:
        # Parents first: a widget moved into a new parent after it was
        # polished (the tab bar measures its tabs) is polished again.
        central = QWidget()
        self.setCentralWidget(central)
        layout = self._central_layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top_bar = self._top_bar()
        layout.addWidget(top_bar)
        self.banner = QLabel()
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(16, 10, 16, 0)
        banner_row.addWidget(self.banner)
        layout.addLayout(banner_row)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self._limit_shrinking(top_bar.sizeHint().height())
        self.subscription_view = SubscriptionView(self.data, self.prompter, self.stack)
        self.stack.addWidget(self.subscription_view)

    def _limit_shrinking(self, top_bar_height: int) -> None:
        """The window cannot be made too small for its pages; on a screen
        smaller still, it can be made as small as the screen."""
        room = self.screen().availableGeometry().size()
        room -= QSize(0, TITLE_BAR + top_bar_height)
        self.stack.setMinimumSize(PAGES_MINIMUM.boundedTo(room))

    def _build_account(self) -> AccountSettings:
        from dtr_desktop.ui.account_settings import AccountSettings

        # Built inside the stack it joins, not moved there afterwards.
        account = AccountSettings(self.data, self.prompter, self.stack)
        index = self.stack.addWidget(account)
        assert index == ACCOUNT_PAGE
        account.integrations.open_subscription_settings.connect(
            self.show_subscription_settings
        )
        account.subscriptions.saved.connect(self._subscription_saved)
        settings = self.settings
        splitter = state.read_bytes(settings, state.ACCOUNT_SPLITTER)
        if splitter is not None:
            account.splitter.restoreState(splitter)
        header = state.read_bytes(settings, state.TABLE_HEADER)
        if header is not None:
            account.integrations.table.horizontalHeader().restoreState(header)
        return account

    def _top_bar(self) -> QWidget:
        # A frame paints its style-sheet background without the
        # WA_StyledBackground attribute (and so without the Qt namespace).
        bar = QFrame()
        bar.setObjectName("TopBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(14, 9, 12, 9)
        row.setSpacing(10)
        logo = QLabel()
        logo.setPixmap(icon("dtr-desktop").pixmap(26, 26))
        self.subscription_combo = QComboBox()
        self.subscription_combo.setObjectName("SubscriptionPicker")
        # The style sheet colours the popup's rows only through a styled
        # delegate; the default one paints them in the bar's white text.
        self.subscription_combo.setItemDelegate(
            QStyledItemDelegate(self.subscription_combo)
        )
        self.subscription_combo.setPlaceholderText("No subscription")
        self.subscription_combo.setToolTip("Switch subscription")
        self.subscription_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents
        )
        brand = QLabel("DTR Desktop")
        brand.setObjectName("Brand")
        self.gear_button = QToolButton()
        self.gear_button.setObjectName("GearButton")
        self.gear_button.setIcon(icon("gear"))
        self.gear_button.setIconSize(QSize(22, 22))
        self.gear_button.setCheckable(True)
        self.gear_button.setToolTip("Account settings")
        self.gear_button.setAccessibleName("Account settings")
        for widget in (logo, self.subscription_combo):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(brand)
        row.addSpacing(6)
        row.addWidget(self.gear_button)
        return bar

    def _quit_action(self) -> QAction:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction("Quit", self)
        # Platforms without a desktop theme know no Quit keys; Ctrl+Q is
        # what they would have said.
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        action.setShortcuts(keys or [QKeySequence("Ctrl+Q")])
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(self.close)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        data = self.data
        data.touched.connect(self._refresh_subscriptions)
        data.keyring_problem.connect(self._show_keyring_problem)
        data.open_failed.connect(self._show_open_failure)
        combo = self.subscription_combo
        combo.currentIndexChanged.connect(
            lambda _index: self._set_current(combo.currentText())
        )
        combo.activated.connect(lambda _i: self.show_subscription())
        self.gear_button.clicked.connect(self._gear_clicked)
        view = self.subscription_view
        view.create_subscription.connect(self._new_subscription)
        view.open_account_integrations.connect(
            lambda: self.show_account_settings("integrations")
        )

    # reacting -----------------------------------------------------------

    def _new_subscription(self) -> None:
        self.account.subscriptions.new_subscription()

    def _gear_clicked(self, checked: bool) -> None:
        if checked:
            self.show_account_settings()
        else:
            self.show_subscription()

    def _refresh_subscriptions(self) -> None:
        names = [subscription.name for subscription in self.data.subscriptions]
        pick = _match(names, self._current) or (names[0] if names else None)
        combo = self.subscription_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(names)
        combo.setCurrentIndex(names.index(pick) if pick else -1)
        combo.blockSignals(False)
        combo.setEnabled(bool(names))
        self._set_current(pick)

    def _set_current(self, name: str | None) -> None:
        self._current = name or None
        self.subscription_view.show_subscription(self.current_subscription())

    def _subscription_saved(self, old_name: str, new_name: str) -> None:
        current = self._current
        if not current or old_name.casefold() == current.casefold():
            self._current = new_name

    def _show_keyring_problem(self, message: str) -> None:
        self._show_banner(
            "Banner",
            f"{message}\nYou can look at your integrations, but adding or "
            "changing one will not work until a keyring is available.",
        )

    def _show_open_failure(self, message: str) -> None:
        self._show_banner("ErrorBanner", message)

    def _show_banner(self, kind: str, text: str) -> None:
        self.banner.setObjectName(kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(text)
        self.banner.setVisible(True)

    # remembering --------------------------------------------------------

    def show_section(self, section: str) -> None:
        if section.startswith("account:"):
            self.show_account_settings(section.partition(":")[2])
        elif section == "settings":
            self.show_subscription(SETTINGS)
        else:
            self.show_subscription(DASHBOARD)

    def _restore(self) -> None:
        settings = self.settings
        geometry = state.read_bytes(settings, state.GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 740)
        saved = state.read_bytes(settings, state.SUBSCRIPTION_SPLITTER)
        if saved is not None:
            self.subscription_view.restore_settings_splitter(saved)
        self.show_section(state.read_text(settings, state.SECTION))

    def save_state(self) -> None:
        settings = self.settings
        settings.setValue(state.GEOMETRY, self.saveGeometry())
        settings.setValue(state.SECTION, self.section())
        settings.setValue(state.SUBSCRIPTION, self._current or "")
        for key, splitter in self._splitters().items():
            settings.setValue(key, splitter.saveState())
        if self._account is not None:
            header = self._account.integrations.table.horizontalHeader()
            settings.setValue(state.TABLE_HEADER, header.saveState())
        settings.sync()

    def _splitters(self) -> dict[str, QSplitter]:
        """The splitters built so far; the others keep the sizes saved before."""
        splitters: dict[str, QSplitter] = {}
        subscription_settings = self.subscription_view.built_settings
        if subscription_settings is not None:
            splitters[state.SUBSCRIPTION_SPLITTER] = subscription_settings.splitter
        if self._account is not None:
            splitters[state.ACCOUNT_SPLITTER] = self._account.splitter
        return splitters

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.save_state()
        for dialog in self.findChildren(QDialog):
            dialog.close()
        self.data.shutdown()
        log.info("window closed")
        super().closeEvent(event)


def _match(names: list[str], wanted: str | None) -> str | None:
    if not wanted:
        return None
    for name in names:
        if name.casefold() == wanted.casefold():
            return name
    return None
