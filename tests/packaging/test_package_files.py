"""What the installers ship: desktop entry, AppStream, icons, spec, policy."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from dtr_desktop.policy import read_policy

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
HICOLOR = RESOURCES / "icons" / "hicolor"
METAINFO = RESOURCES / "io.github.dtr_desktop.DtrDesktop.metainfo.xml"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_hicolor_png_has_the_size_of_its_folder(size: int) -> None:
    path = HICOLOR / f"{size}x{size}" / "apps" / "dtr-desktop.png"
    assert png_size(path) == (size, size)


def test_the_scalable_icon_is_an_svg() -> None:
    text = (HICOLOR / "scalable" / "apps" / "dtr-desktop.svg").read_text()
    assert text.startswith("<svg") and 'viewBox="0 0 128 128"' in text


def test_the_windows_icon_lists_its_png_images() -> None:
    data = (ROOT / "packaging" / "windows" / "dtr-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    sizes = [data[6 + 16 * i] or 256 for i in range(count)]
    assert (reserved, kind) == (0, 1)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_the_macos_icon_is_a_complete_icns() -> None:
    data = (ROOT / "packaging" / "macos" / "dtr-desktop.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils"
)
def test_the_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(RESOURCES / "dtr-desktop.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_the_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_metainfo_and_desktop_entry_agree() -> None:
    desktop = (RESOURCES / "dtr-desktop.desktop").read_text()
    metainfo = METAINFO.read_text()
    assert "Exec=dtr-desktop\n" in desktop and "Icon=dtr-desktop\n" in desktop
    assert '<launchable type="desktop-id">dtr-desktop.desktop</launchable>' in metainfo
    from dtr_desktop import __version__

    assert f'<release version="{__version__}"' in metainfo


def test_the_example_policy_is_valid() -> None:
    policy = read_policy(ROOT / "packaging" / "policy.example.toml")
    assert policy is not None
    assert [entry.key for entry in policy.integrations] == ["corp-dtr", "hub"]


def test_the_installers_ship_the_same_programs() -> None:
    spec = (ROOT / "packaging" / "dtr-desktop.spec").read_text()
    build = (ROOT / "packaging" / "build-deb.sh").read_text()
    mac = (ROOT / "packaging" / "macos" / "scripts" / "postinstall").read_text()
    for program in ("dtr-desktop", "docker-credential-dtr-desktop"):
        assert f'"{program}"' in spec
        assert program in build and f"/{program}" in mac
    assert 'store" / "migrations"' in spec and 'copy_metadata("keyring")' in spec


def test_the_linux_helper_hands_over_to_the_app_by_the_flag_the_app_reads() -> None:
    entries = ROOT / "packaging" / "entry"
    spec = (ROOT / "packaging" / "dtr-desktop.spec").read_text()
    quick = (entries / "credential_helper_quick_main.py").read_text()
    app = (entries / "dtr_desktop_main.py").read_text()
    flag = 'HELPER_FLAG = "--credential-helper"'
    assert flag in quick and flag in app
    assert 'FULL_PROGRAM = "dtr-desktop"' in quick
    assert '"credential_helper_quick_main.py"' in spec
