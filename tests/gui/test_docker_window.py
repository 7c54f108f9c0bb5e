"""Use with Docker, Import from Docker and Export credentials, through the window.

Real files in the test's own HOME, the real keyring; the tests wait on the
window's workers and message boxes, never on time.
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.docker_actions import DockerActions
from dtr_desktop.ui.export_dialog import ExportDialog
from dtr_desktop.ui.import_dialog import PREVIEW, RESULT, ImportDialog
from dtr_desktop.ui.import_model import INTEGRATION, PROBLEM, USERNAME
from dtr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import OpenWindow, add_integration, wait_idle

Ok = QMessageBox.StandardButton.Ok


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def write_json(path: Path, value: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def docker_actions(qtbot: QtBot, window: MainWindow, name: str) -> DockerActions:
    """The Integrations page with ``name`` selected and its docker state read."""
    window.show_account_settings("integrations")
    page = window.account.integrations
    page.select(next(i.id for i in page.data.integrations if i.name == name))
    actions = page.docker
    qtbot.waitUntil(lambda: bool(actions.state))
    return actions


def toggle(qtbot: QtBot, actions: DockerActions, kind: str) -> QMessageBox:
    """Trigger a file's action as the menu does; return the report box shown."""
    with qtbot.waitSignal(actions.prompter.shown, timeout=20_000) as shown:
        actions.file_actions[kind].trigger()  # type: ignore[index]
    box = shown.args[0]
    assert isinstance(box, QMessageBox)
    return box


def test_use_with_docker_adds_and_removes_the_helper_entry_keeping_the_rest(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    home = Path.home()
    config = write_json(
        home / ".docker/config.json",
        {
            "auths": {"other.example": {"auth": b64("u:p")}},
            "credHelpers": {"gcr.io": "gcloud"},
            "experimental": "enabled",
        },
    )
    original = config.read_bytes()
    add_integration(services, "Prod", url="https://prod.example.com:5000")
    actions = docker_actions(qtbot, open_window(), "Prod")
    assert actions.state == {"docker": False, "containers": False}
    assert "not used with Docker" in actions.status.text()

    box = toggle(qtbot, actions, "docker")

    written = read_json(config)
    assert written["credHelpers"] == {
        "gcr.io": "gcloud",
        "prod.example.com:5000": "dtr-desktop",
    }
    assert written["experimental"] == "enabled"
    assert written["auths"] == {"other.example": {"auth": b64("u:p")}}
    detail = box.informativeText()
    assert f"Wrote {config}." in detail
    backup = Path(detail.split("saved as ", 1)[1].rstrip("."))
    assert backup.read_bytes() == original
    actions.prompter.answer(Ok)
    qtbot.waitUntil(lambda: actions.state.get("docker") is True)
    assert actions.file_actions["docker"].isChecked()
    assert "Docker uses “Prod” through dtr-desktop." in actions.status.text()

    toggle(qtbot, actions, "containers")
    containers = home / ".config/containers/auth.json"
    assert read_json(containers) == {
        "credHelpers": {"prod.example.com:5000": "dtr-desktop"}
    }
    actions.prompter.answer(Ok)
    qtbot.waitUntil(lambda: actions.state.get("containers") is True)

    box = toggle(qtbot, actions, "docker")
    assert read_json(config)["credHelpers"] == {"gcr.io": "gcloud"}
    assert read_json(config)["experimental"] == "enabled"
    assert "no longer asks dtr-desktop" in box.text()
    actions.prompter.answer(Ok)
    qtbot.waitUntil(lambda: actions.state.get("docker") is False)
    assert read_json(containers)["credHelpers"] != {}


def test_the_docker_line_follows_a_filter_that_hides_the_selection(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Prod", url="https://prod.example.com")
    add_integration(services, "Stage", url="https://stage.example.com")
    actions = docker_actions(qtbot, open_window(), "Prod")
    page = actions.page
    assert actions.status.text() == "“Prod” is not used with Docker."

    page.filter_edit.setText("stage")
    page.apply_filter_now()

    assert page.selected() is None
    assert actions.status.text() == ""
    page.select(next(i.id for i in page.data.integrations if i.name == "Stage"))
    qtbot.waitUntil(lambda: "Stage" in actions.status.text())


# ---------------------------------------------------------------- import

TRICKY = {
    "auths": {
        "good.example.com": {"auth": b64("alice:pa:ss wörd")},
        "https://badbase64.example.com/v1/": {"auth": "%%% not base64 %%%"},
        "nocolon.example.com": {"auth": b64("just-a-user")},
        "token.example.com": {"identitytoken": "tok-123"},
        "second.example.com": {"auth": b64("bob:pw2")},
        "exists.example.com": {"auth": b64("carol:new-pw")},
    },
    "psFormat": "table",
}


def open_import(qtbot: QtBot, window: MainWindow) -> ImportDialog:
    window.show_account_settings("integrations")
    actions = window.account.integrations.docker
    actions.import_action.trigger()
    dialog = actions.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PREVIEW, timeout=20_000)
    return dialog


def cell(dialog: ImportDialog, server: str, column: int) -> str:
    row = dialog.model.row_of(server)
    assert row >= 0, server
    return str(dialog.model.index(row, column).data())


def test_import_previews_each_entry_and_saves_what_the_user_ticked(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    config = write_json(Path.home() / ".docker/config.json", TRICKY)
    exists = add_integration(
        services, "Exists", url="https://exists.example.com", username="old"
    )
    window = open_window()
    dialog = open_import(qtbot, window)
    model = dialog.model

    assert model.rowCount() == 6
    assert "not valid base64" in cell(
        dialog, "https://badbase64.example.com/v1/", PROBLEM
    )
    assert "no ':'" in cell(dialog, "nocolon.example.com", PROBLEM)
    assert cell(dialog, "token.example.com", USERNAME) == "(identity token)"
    assert cell(dialog, "good.example.com", USERNAME) == "alice"
    assert cell(dialog, "exists.example.com", INTEGRATION) == (
        "exists: “Exists” (skipped)"
    )
    assert str(config) in cell(dialog, "good.example.com", 2)
    bad = model.row_of("nocolon.example.com")
    assert not model.is_ticked(bad)
    assert not model.flags(model.index(bad, 0)) & Qt.ItemFlag.ItemIsUserCheckable

    model.set_ticked(model.row_of("second.example.com"), False)
    model.set_ticked(model.row_of("exists.example.com"), True)
    assert cell(dialog, "exists.example.com", INTEGRATION) == "updates “Exists”"
    assert dialog.import_button.text() == "Import 3"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == RESULT, timeout=20_000)
    wait_idle(qtbot, window)

    by_name = {i.name: i for i in services.integrations.list()}
    assert set(by_name) == {"Exists", "good.example.com", "token.example.com"}
    good = by_name["good.example.com"]
    assert (good.url, good.username) == ("https://good.example.com", "alice")
    assert services.integrations.password(good.id) == "pa:ss wörd"
    token = by_name["token.example.com"]
    assert services.integrations.password(token.id) == "tok-123"
    assert by_name["Exists"].username == "carol"
    assert services.integrations.password(exists.id) == "new-pw"
    assert "Added: good.example.com, token.example.com" in dialog.result_label.text()
    assert "Updated: Exists" in dialog.result_label.text()
    assert {i.name for i in window.data.integrations} == set(by_name)

    assert dialog.remove_button.isVisible()
    assert str(config) in dialog.plaintext_label.text()
    before = config.read_bytes()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.remove_button.isVisible(), timeout=20_000)

    after = read_json(config)
    for host in ("good.example.com", "token.example.com", "exists.example.com"):
        assert after["auths"][host] == {}
        assert after["credHelpers"][host] == "dtr-desktop"
    assert after["auths"]["second.example.com"] == {"auth": b64("bob:pw2")}
    assert after["auths"]["nocolon.example.com"] == {"auth": b64("just-a-user")}
    assert after["psFormat"] == "table"
    text = dialog.plaintext_label.text()
    backup = Path(text.split("the previous version is ", 1)[1].split("\n")[0][:-1])
    assert backup.read_bytes() == before
    dialog.reject()


def test_import_problems_show_in_full_at_the_smallest_size(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    write_json(Path.home() / ".docker/config.json", TRICKY)
    dialog = open_import(qtbot, open_window())
    dialog.resize(dialog.minimumSize())
    qtbot.waitUntil(lambda: dialog.width() == dialog.minimumWidth())
    table = dialog.table
    row = dialog.model.row_of("https://badbase64.example.com/v1/")
    problem = cell(dialog, "https://badbase64.example.com/v1/", PROBLEM)
    rect = table.visualRect(dialog.model.index(row, PROBLEM))

    assert rect.right() <= table.viewport().width()
    assert rect.width() >= 180
    needed = table.fontMetrics().boundingRect(
        rect.adjusted(4, 0, -4, 0).translated(-rect.topLeft()).adjusted(0, 0, 0, 1000),
        Qt.TextFlag.TextWordWrap,
        problem,
    )
    assert needed.height() > table.fontMetrics().height()  # it does wrap
    assert rect.height() >= needed.height()


def test_import_with_nothing_to_find_says_where_it_looked(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    window.show_account_settings("integrations")
    actions = window.account.integrations.docker
    actions.import_from_docker()
    dialog = actions.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.nothing)

    assert str(Path.home() / ".docker/config.json") in dialog.nothing.text()
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_closing_the_import_before_the_preview_arrives_drops_it(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    write_json(Path.home() / ".docker/config.json", TRICKY)
    window = open_window()
    window.show_account_settings("integrations")
    actions = window.account.integrations.docker
    actions.import_from_docker()
    dialog = actions.import_dialog
    assert dialog is not None

    dialog.reject()
    wait_idle(qtbot, window)

    assert actions.import_dialog is None
    assert window.data.integrations == []


# ---------------------------------------------------------------- export


def open_export(qtbot: QtBot, window: MainWindow, subscription: str) -> ExportDialog:
    window.choose_subscription(subscription)
    view = window.subscription_view
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    dialog = view.export_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


@pytest.mark.parametrize(
    ("index", "marker"),
    [(0, '"auths"'), (1, "type: kubernetes.io/dockerconfigjson")],
)
def test_export_warns_then_writes_a_private_file(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    index: int,
    marker: str,
) -> None:
    add_integration(
        services, "Prod", password="s3cr:et", url="https://prod.example.com"
    )
    services.subscriptions.add("CI")
    services.subscriptions.attach("CI", "Prod")
    window = open_window()
    dialog = open_export(qtbot, window, "CI")
    target = Path.home() / "ci" / "credentials"
    target.parent.mkdir()

    assert "contain the passwords" in dialog.warning.text()
    dialog.format_combo.setCurrentIndex(index)
    qtbot.keyClicks(dialog.path_edit, str(target))
    assert not dialog.export_button.isEnabled()
    dialog.understood_box.setChecked(True)
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    assert marker in text
    if index == 0:
        auth = json.loads(text)["auths"]["prod.example.com"]["auth"]
        assert base64.b64decode(auth).decode() == "ci-bot:s3cr:et"
    assert f"Written to {target}" in dialog.message.text()
    assert dialog.cancel_button.text() == "Close"
    dialog.reject()


def test_export_refuses_to_replace_a_file_unless_asked(
    qtbot: QtBot, open_window: OpenWindow, services: Services
) -> None:
    add_integration(services, "Prod", url="https://prod.example.com")
    services.subscriptions.add("CI")
    services.subscriptions.attach("CI", "Prod")
    target = Path.home() / "config.json"
    target.write_text("keep me")
    dialog = open_export(qtbot, open_window(), "CI")
    dialog.path_edit.setText(str(target))
    dialog.understood_box.setChecked(True)

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.message.isVisible, timeout=20_000)
    assert "exists" in dialog.message.text()
    assert target.read_text() == "keep me"

    dialog.replace_box.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)
    assert '"auths"' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    dialog.reject()
