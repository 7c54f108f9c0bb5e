"""The Add dialog with a CA whose last line runs into the END marker.

The hint said "Trusted", Test connection said the CA could not be read and
Save stayed enabled. Now the test passes against a real TLS registry and
the integration is saved with the CA in standard PEM.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from dtr_desktop.services import Services
from dtr_desktop.ui.connection_test import PASSED
from tests.gui.conftest import OpenWindow, wait_idle
from tests.gui.test_registry_connection import (
    WAIT_MS,
    add_dialog,
    fill,
    panel_of,
    run_test,
)
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry

END = "-----END CERTIFICATE-----"


def test_a_ca_run_into_the_end_marker_passes_the_test_and_is_saved(
    qtbot: QtBot,
    open_window: OpenWindow,
    services: Services,
    registry_tls_htpasswd: RunningRegistry,
) -> None:
    registry = registry_tls_htpasswd
    canonical = (registry.ca_pem or "").strip()
    odd = canonical.replace(f"\n{END}", END)
    window = open_window()
    dialog = add_dialog(qtbot, window)
    fill(dialog, registry.url, "alice", registry.password(), ca=odd)

    state = run_test(qtbot, dialog)

    assert dialog.ca_field.error() is None
    assert dialog.ca_field.summary.text().startswith("Trusted for this integration")
    assert state == PASSED
    assert panel_of(dialog).outcome_text().startswith("Connected.")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    [saved] = services.integrations.list()
    assert saved.ca_cert_pem == canonical
    assert saved.last_test_outcome == "ok"
