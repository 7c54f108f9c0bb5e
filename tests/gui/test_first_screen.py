"""The first screen: what is built before the window paints, and what waits.

The Settings tab, the page shown without a subscription, the policy banner
and the Quit shortcut are built when first needed; these tests hold that
each still works the same once the user gets to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.subscription_view import DASHBOARD, SETTINGS
from tests.gui.conftest import OpenWindow, add_integration

FIRST_SCREEN = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from PySide6 import QtCore, QtWidgets

    from dtr_desktop.services import Services
    from dtr_desktop.ui.main_window import MainWindow
    from dtr_desktop.ui.style import styled_application
    from dtr_desktop.ui.window_state import window_settings

    app = styled_application("dtr-desktop")
    data = Path(sys.argv[1])
    window = MainWindow(Services(data), window_settings(data))
    window.show()
    app.processEvents()
    loaded = vars(QtCore) | vars(QtWidgets)
    print("built", *[name for name in ("Qt", "QStyle") if name in loaded])
    """
)


def test_the_first_screen_builds_neither_the_qt_namespace_nor_qstyle(
    tmp_path: Path,
) -> None:
    """PySide builds these types' ~100 Python enums on first use (~30 ms).

    The window shown before the account opens needs neither, so a user
    waits for neither before the window paints.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DTR_DESKTOP_POLICY", None)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["built"]


def test_the_settings_tab_is_built_when_first_shown(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    for name in ("Hub", "Spare"):
        add_integration(services, name)
    services.subscriptions.add("Team")
    services.subscriptions.attach("Team", "Hub")
    window = open_window()
    view = window.subscription_view
    assert view.built_settings is None

    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(SETTINGS).center())

    settings = view.built_settings
    assert settings is not None and settings.isVisible()
    assert settings.sidebar.currentRow() == 0
    assert settings.integrations.attached_names() == ["Hub"]
    assert settings.integrations.attach_button.isEnabled()
    assert not settings.integrations.detach_button.isEnabled()


def test_the_settings_splitter_keeps_its_sizes_while_the_tab_is_not_built(
    open_window: OpenWindow, services: Services
) -> None:
    services.subscriptions.add("Team")
    window = open_window()
    window.show_subscription_settings("Team")
    window.subscription_view.settings.splitter.setSizes([320, 680])
    window.show_subscription(DASHBOARD)
    window.close()

    unopened = open_window()
    assert unopened.subscription_view.built_settings is None
    unopened.close()

    again = open_window()
    again.show_subscription_settings("Team")
    # The sidebar's width (the window's own may differ on the offscreen screen).
    assert again.subscription_view.settings.splitter.sizes()[0] == 320


def test_the_settings_tab_follows_the_subscription_once_built(
    open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Hub")
    for name in ("Alpha", "Beta"):
        services.subscriptions.add(name)
    services.subscriptions.attach("Beta", "Hub")
    window = open_window()
    window.show_subscription_settings("Alpha")
    page = window.subscription_view.settings.integrations
    assert page.attached_names() == []

    window.choose_subscription("Beta")

    assert page.attached_names() == ["Hub"]


def test_quit_closes_the_window(open_window: OpenWindow) -> None:
    window = open_window()
    action = window.quit_action
    assert action is not None and action.shortcuts()
    assert action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut

    action.trigger()

    assert not window.isVisible()


def test_account_settings_is_prepared_after_start_without_being_asked(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Hub")
    window = open_window()

    qtbot.waitUntil(lambda: window.stack.count() == 2)  # its page was added
    window.show_account_settings("integrations")
    assert window.account.isVisible()
    assert window.account.integrations.model.rowCount() == 1
