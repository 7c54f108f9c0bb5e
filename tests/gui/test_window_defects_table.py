"""The Integrations table as the tester saw it at 1000 px: reachable, steady."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.integration_model import SHORT_LABELS, STATUS
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration


def integrations_page(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    QApplication.processEvents()
    return window.account.integrations


def six_integrations(services: Services) -> None:
    for name in ("GitLab reader", "Harbor hang", "Local plain", "Prod DTR"):
        add_integration(services, name, url=f"https://127.0.0.1:57943/{name[:3]}")
    add_integration(services, "N" * 64, url="https://registry.example.com:5000")
    add_integration(services, "Quay closed port", url="https://127.0.0.1:1")


def test_selecting_a_row_does_not_move_the_table(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    six_integrations(services)
    window = open_window()
    page = integrations_page(window)
    table = page.table
    before = table.mapTo(window, QPoint(0, 0))

    table.selectRow(0)
    qtbot.waitUntil(lambda: page.docker.status.text() != "")  # read in a worker
    QApplication.processEvents()

    assert "Docker" in page.docker.status.text()
    assert table.mapTo(window, QPoint(0, 0)) == before


def test_tab_leaves_the_table_for_the_buttons_below(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    six_integrations(services)
    window = open_window()
    page = integrations_page(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    page.table.selectRow(0)
    assert page.table.hasFocus()

    qtbot.keyClick(page.table, Qt.Key.Key_Tab)

    assert not page.table.hasFocus()


def test_the_status_column_stays_visible_at_1000_px(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    six_integrations(services)
    window = open_window()
    window.resize(1000, 700)
    page = integrations_page(window)
    header = page.table.horizontalHeader()

    right = header.sectionViewportPosition(STATUS) + min(header.sectionSize(STATUS), 80)

    assert header.sectionViewportPosition(STATUS) >= 0
    assert right <= page.table.viewport().width()
    assert not page.table.horizontalScrollBar().isVisible()


def test_every_status_reads_whole_at_the_usual_window_width(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    six_integrations(services)
    window = open_window()
    window.resize(1180, 720)
    page = integrations_page(window)
    qtbot.waitUntil(lambda: window.width() == 1180)
    width = page.table.horizontalHeader().sectionSize(STATUS)
    metrics = page.table.fontMetrics()
    icon_and_margins = 30

    for label in (*SHORT_LABELS.values(), "Refused: not secure", "Rate limited"):
        text = f"{label} · 09:38"
        assert metrics.horizontalAdvance(text) + icon_and_margins <= width, text


def test_the_test_all_progress_shows_its_whole_label(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    six_integrations(services)
    window = open_window()
    window.resize(1000, 700)
    page = integrations_page(window)
    bar = page.registry.bar
    window.resize(window.minimumSizeHint().width(), 700)  # as narrow as it gets

    bar.running(6, "Testing 6 integrations…")
    bar.advance(5, 6)
    QApplication.processEvents()

    progress = bar.progress
    assert progress.text() == "5 of 6 tested"
    room = progress.fontMetrics().horizontalAdvance(progress.text())
    assert progress.width() >= room + 16
    bar.message("")
