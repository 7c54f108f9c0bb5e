"""Attacks on the Integrations table's column-wise rows through the real window.

Each change goes through the real services and then through the window's
lists, as Add, Edit and Delete do. After every step the table must show what
a freshly loaded table shows with the same sort and filter, and the selected
integration must stay selected.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.ui.integration_model import (
    HEADERS,
    STATUS,
    SUBSCRIPTIONS,
    URL,
    IntegrationTableModel,
)
from dtr_desktop.ui.integrations_page import IntegrationsPage
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, wait_for_dialog, wait_idle

NAMES = (
    "alpha",
    "Ålpha accent",
    "ＡＬＰＨＡ wide",
    "😀 alpha emoji",
    "  alpha spaced  ",
    "Z" * 64,
    "beta",
)


def _draft(name: str, **changes: object) -> IntegrationDraft:
    values: dict[str, object] = {
        "name": name,
        "provider": "registry",
        "url": f"https://127.0.0.1:1/{len(name)}",
        "username": "ci-bot",
    }
    values.update(changes)
    return IntegrationDraft(**values)  # type: ignore[arg-type]


def _page(window: MainWindow) -> IntegrationsPage:
    window.show_account_settings("integrations")
    return window.account.integrations


def _shown(page: IntegrationsPage) -> list[str]:
    return [page.proxy.integration_at(r).id for r in range(page.proxy.rowCount())]


def _expected(services: Services, page: IntegrationsPage) -> list[str]:
    fresh = IntegrationTableModel()
    fresh.set_rows(services.integrations.rows())
    fresh.sort(*page.model._sort)
    fresh.set_filter_text(page.model.filter_text())
    return [fresh.integration_at(r).id for r in range(fresh.rowCount())]


def _check(services: Services, page: IntegrationsPage, selected: str | None) -> None:
    assert _shown(page) == _expected(services, page)
    listed = {i.id: i for i in page.data.integrations}
    stored = {i.id: i.name for i in services.integrations.list()}
    assert {key: item.name for key, item in listed.items()} == stored
    chosen = page.selected()
    if selected is not None and selected in _shown(page):
        assert chosen is not None and chosen.id == selected


def _edit(
    services: Services, page: IntegrationsPage, item: Integration, **changes: object
) -> Integration:
    draft = dataclasses.replace(
        services.integrations.get_by_id(item.id).draft(), **changes
    )
    edited = services.integrations.edit(item.id, draft)
    page._select_after = edited.id
    page.data.put_integration(edited)
    return edited


@pytest.mark.parametrize("column", range(len(HEADERS)))
@pytest.mark.parametrize(
    "order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]
)
@pytest.mark.parametrize("needle", ["", "alpha"])
def test_changes_land_where_a_fresh_table_puts_them(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    *,
    column: int,
    order: Qt.SortOrder,
    needle: str,
) -> None:
    items = [services.integrations.add(_draft(n), "pw") for n in NAMES[:4]]
    window = open_window()
    page = _page(window)
    page.table.sortByColumn(column, order)
    page.set_filter(needle)
    page.select(items[1].id)
    keep = items[1].id
    _check(services, page, keep)

    for name in NAMES[4:]:
        added = services.integrations.add(_draft(name), "pw")
        page.data.put_integration(added)
        items.append(added)
        _check(services, page, keep)

    renamed = _edit(services, page, items[0], name="omega")
    keep = renamed.id
    _check(services, page, keep)
    _edit(services, page, items[2], name="ｂｅｔａ2")
    keep = items[2].id
    _check(services, page, keep)
    _edit(services, page, items[5], username="zed", url="https://127.0.0.1:2")
    _check(services, page, items[5].id)
    _edit(services, page, items[5], name="ALPHA 2")
    _check(services, page, items[5].id)

    services.integrations.delete(items[3].id)
    page.data.drop_integration(items[3].id)
    _check(services, page, items[5].id)
    page.set_filter("")
    _check(services, page, items[5].id)
    wait_idle(qtbot, window)


@pytest.mark.parametrize(
    "order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]
)
@pytest.mark.parametrize("needle", ["", "127"])
def test_test_results_keep_a_status_sorted_table_sorted(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    *,
    order: Qt.SortOrder,
    needle: str,
) -> None:
    items = [services.integrations.add(_draft(n), "pw") for n in ("a", "b", "c")]
    window = open_window()
    page = _page(window)
    page.table.sortByColumn(STATUS, order)
    page.set_filter(needle)
    page.select(items[1].id)
    when = datetime(2026, 1, 2, 3, 4)

    page.data.record_tests([(items[1].id, "bad-credentials", "No.", when)])
    page.data.record_tests([(items[2].id, "ok", "Yes.", when)])
    added = services.integrations.add(_draft("d"), "pw")
    page.data.put_integration(added)

    fresh = IntegrationTableModel()
    fresh.set_rows(page.data.integrations)
    fresh.sort(STATUS, order)
    assert _shown(page) == [fresh.integration_at(r).id for r in range(fresh.rowCount())]
    assert page.selected() is not None and page.selected().id == items[1].id
    wait_idle(qtbot, window)


def test_editing_an_attached_integration_keeps_its_subscriptions(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = services.integrations.add(_draft("alpha"), "pw")
    services.integrations.add(_draft("beta"), "pw")
    for team in ("Team", "Ops"):
        services.subscriptions.add(team)
        services.subscriptions.attach(team, "alpha")
    window = open_window()
    page = _page(window)
    page.table.sortByColumn(SUBSCRIPTIONS, Qt.SortOrder.DescendingOrder)
    page.set_filter("team")

    renamed = _edit(services, page, item, name="Alpha Renamed")

    assert _shown(page) == [renamed.id] == _expected(services, page)
    row = page.model.row_of(item.id)
    assert page.model.index(row, SUBSCRIPTIONS).data() == 2
    assert {s.name: s.integrations for s in page.data.subscriptions} == {
        "Ops": ("Alpha Renamed",),
        "Team": ("Alpha Renamed",),
    }
    with qtbot.waitSignal(page.data.changed):
        page.data.run(lambda: services.subscriptions.detach("Ops", "Alpha Renamed"))
    assert page.model.index(page.model.row_of(item.id), SUBSCRIPTIONS).data() == 1
    assert page.selected() is not None and page.selected().id == item.id
    wait_idle(qtbot, window)


def test_an_edit_saved_while_the_lists_reload_is_not_undone_by_the_reload(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = services.integrations.add(_draft("alpha"), "pw")
    window = open_window()
    page = _page(window)
    data = page.data

    # A reload (after an attach, a failed save...) reads the store in a
    # worker; the edit's result reaches the window before the reload's does.
    data.refresh()
    data.runner._pool.waitForDone()
    renamed = _edit(services, page, item, name="omega")
    wait_idle(qtbot, window)

    assert [i.name for i in data.integrations] == ["omega"]
    assert page.proxy.integration_at(0).name == "omega"
    assert data.integration(renamed.id) is not None


def test_a_delete_while_the_lists_reload_is_not_undone_by_the_reload(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    item = services.integrations.add(_draft("alpha"), "pw")
    services.integrations.add(_draft("beta"), "pw")
    window = open_window()
    page = _page(window)
    data = page.data

    data.refresh()
    data.runner._pool.waitForDone()
    services.integrations.delete(item.id)
    data.drop_integration(item.id)
    wait_idle(qtbot, window)

    assert [i.name for i in data.integrations] == ["beta"]
    assert page.proxy.rowCount() == 1


def test_add_and_edit_through_the_dialog_under_a_filter_and_a_sort(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    from tests.gui.test_integrations import fill, open_add_dialog, save

    alpha = services.integrations.add(_draft("alpha"), "pw")
    services.integrations.add(_draft("beta"), "pw")
    window = open_window()
    page = _page(window)
    page.table.sortByColumn(URL, Qt.SortOrder.DescendingOrder)
    page.set_filter("al")

    dialog = open_add_dialog(qtbot, page)
    fill(qtbot, dialog, name="ＡＬＰＨＡ", url="https://127.0.0.1:3", username="u")
    fill(qtbot, dialog, password="pw")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "a name that differs only in width is taken"
    fill(qtbot, dialog, name="alpine")
    save(qtbot, window, dialog)

    added = page.data.integrations.named("alpine")
    assert added is not None
    assert _shown(page) == _expected(services, page)
    assert page.selected() is not None and page.selected().id == added.id

    page.select(alpha.id)
    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    fill(qtbot, dialog, name="ALPHA")
    save(qtbot, window, dialog)
    assert services.integrations.get_by_id(alpha.id).name == "ALPHA"
    assert _shown(page) == _expected(services, page)
    assert page.selected() is not None and page.selected().id == alpha.id

    page.edit()
    dialog = wait_for_dialog(qtbot, page)
    fill(qtbot, dialog, name="gamma")
    save(qtbot, window, dialog)
    assert _shown(page) == _expected(services, page) == [added.id]
    assert page.selected() is None
    assert not page.edit_button.isEnabled()
