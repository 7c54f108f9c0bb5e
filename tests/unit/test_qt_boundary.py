"""Only the window package may import Qt; the rest must run without it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dtr_desktop"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy")
QT_FREE_IN_UI = ("display.py", "__init__.py")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in QT_MODULES]
    return found


def test_no_module_outside_ui_imports_qt() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): qt_imports(path)
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_display_check_and_the_ui_package_import_no_qt() -> None:
    for name in QT_FREE_IN_UI:
        assert qt_imports(PACKAGE / "ui" / name) == [], name


def test_the_scan_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import PySide6.QtCore\nfrom PySide6 import QtWidgets\n")
    assert qt_imports(sample) == ["PySide6.QtCore", "PySide6"]
