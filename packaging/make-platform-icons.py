"""Writes the Windows .ico and macOS .icns app icons from the hicolor PNGs.

Both formats can hold PNG images as they are, so no image library is
needed. The results are committed; run this after ``render-icons.sh``:
    python3 packaging/make-platform-icons.py
"""

from __future__ import annotations

import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS types that hold PNG data, by pixel size.
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
}


def png(size: int) -> bytes:
    return (HICOLOR / f"{size}x{size}" / "apps" / "dtr-desktop.png").read_bytes()


def ico() -> bytes:
    images = [png(size) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in zip(ICO_SIZES, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


def icns() -> bytes:
    body = b"".join(
        kind + struct.pack(">I", len(data) + 8) + data
        for kind, data in ((kind, png(size)) for size, kind in ICNS_TYPES.items())
    )
    return b"icns" + struct.pack(">I", len(body) + 8) + body


if __name__ == "__main__":
    (ROOT / "packaging" / "windows" / "dtr-desktop.ico").write_bytes(ico())
    (ROOT / "packaging" / "macos" / "dtr-desktop.icns").write_bytes(icns())
