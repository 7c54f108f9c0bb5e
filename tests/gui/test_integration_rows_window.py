"""The table over the window's column-wise rows: type filter, batch results."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.integration_model import STATUS
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration


def _page(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def _status(page: IntegrationsPage, name: str) -> str:
    row = page.model.row_of(page.data.integrations.named(name).id)  # type: ignore[union-attr]
    return str(page.model.index(row, STATUS).data())


def test_the_filter_finds_rows_by_their_type_label(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Alpha")
    add_integration(services, "Beta", provider="quay", url="https://q.example.com")
    page = _page(open_window())

    page.set_filter("trusted")

    assert [
        page.proxy.integration_at(r).name for r in range(page.proxy.rowCount())
    ] == ["Alpha"]


def test_many_results_recorded_at_once_reach_the_rows_and_the_lists(
    open_window: OpenWindow, services: Services
) -> None:
    first = add_integration(services, "Alpha")
    second = add_integration(services, "Beta")
    page = _page(open_window())
    when = datetime(2026, 3, 4, 5, 6)
    page.model.set_testing([first.id, second.id], True)
    assert _status(page, "Alpha") == "Testing…"

    page.data.record_tests(
        [(first.id, "ok", "Fine.", when), (second.id, "unauthorized", "No.", when)]
    )
    page.data.record_test("gone", "ok", "", when)  # deleted meanwhile: skipped

    assert _status(page, "Alpha").startswith("Connected")
    assert _status(page, "Beta") != _status(page, "Alpha")
    beta = page.data.integration(second.id)
    assert beta is not None and beta.last_test_message == "No."
    assert beta.last_tested_at == when


def test_an_edit_while_filtering_and_after_clearing_lands_where_it_matches(
    open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Alpha")
    beta = add_integration(services, "Beta")
    page = _page(open_window())
    page.set_filter("alp")

    page.data.put_integration(dataclasses.replace(beta, name="Alpine"))
    shown = [page.proxy.integration_at(r).name for r in range(page.proxy.rowCount())]
    assert shown == ["Alpha", "Alpine"]

    page.set_filter("")
    page.data.drop_integration(beta.id)
    page.set_filter("alp")
    assert page.proxy.rowCount() == 1
    assert page.proxy.integration_at(0).name == "Alpha"
