"""The CA field's Load file with files that never end or never open.

/dev/zero says its size is 0 and has no end; a named pipe blocks whoever
opens it until something writes. Either would hang the window.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dtr_desktop.ui.trust_panel import MAX_CA_FILE, CaCertificateField
from tests.fakes.pki import make_ca


def field(qtbot: QtBot) -> CaCertificateField:
    widget = CaCertificateField()
    qtbot.addWidget(widget)
    return widget


def pipe(tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    os.mkfifo(path)
    return str(path)


def device(_tmp_path: Path) -> str:
    return "/dev/zero"


@pytest.mark.parametrize("make_path", [device, pipe])
def test_a_file_that_is_not_regular_is_refused_next_to_the_field(
    qtbot: QtBot, tmp_path: Path, make_path: Callable[[Path], str]
) -> None:
    widget = field(qtbot)
    ca = make_ca("kept CA").cert_pem
    widget.set_pem(ca)
    path = make_path(tmp_path)

    widget.load_file(path)

    assert widget.pem() == ca.strip()
    assert widget.summary.text() == (
        f"{Path(path).name} could not be used: it is not a regular file"
    )
    assert widget.summary.objectName() == "FieldError"


def test_a_file_larger_than_a_certificate_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = field(qtbot)
    big = tmp_path / "big.pem"
    big.write_bytes(make_ca("big CA").cert_pem.encode() * (MAX_CA_FILE // 400))

    widget.load_file(str(big))

    assert widget.pem() is None
    assert widget.summary.text() == (
        "big.pem could not be used: the file is too large for a certificate"
    )
