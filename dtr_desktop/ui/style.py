"""The look of the window: Fusion, a light palette and one style sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from dtr_desktop.ui.icons import ICON_DIR

ACCENT = "#2563eb"

STYLE_SHEET = """
QWidget#TopBar { background: #1e293b; }
QLabel#Brand { color: #f8fafc; font-size: 15px; font-weight: 600; }
QLabel#TopBarCaption { color: #94a3b8; }
QComboBox#SubscriptionPicker {
    background: #334155; color: #f8fafc; border: 1px solid #475569;
    border-radius: 4px; padding: 4px 10px; min-width: 220px;
}
QComboBox#SubscriptionPicker::drop-down {
    border: none; width: 24px; subcontrol-position: center right;
}
QComboBox#SubscriptionPicker::down-arrow {
    image: url(@ICONS@/chevron-down.svg); width: 14px; height: 14px;
}
QComboBox#SubscriptionPicker QAbstractItemView {
    background: white; color: #0f172a; selection-background-color: #dbeafe;
    selection-color: #0f172a; outline: 0;
}
QComboBox#SubscriptionPicker QAbstractItemView::item {
    background: white; color: #0f172a; padding: 4px 10px;
}
QComboBox#SubscriptionPicker QAbstractItemView::item:selected {
    background: #dbeafe; color: #0f172a;
}
QToolButton#GearButton {
    border: none; border-radius: 4px; padding: 5px; color: #f8fafc;
}
QToolButton#GearButton:hover { background: #334155; }
QToolButton#GearButton:checked { background: #475569; }

QListWidget#Sidebar {
    background: #f1f5f9; border: none; border-right: 1px solid #e2e8f0;
    padding-top: 6px; outline: 0;
}
QListWidget#Sidebar::item {
    padding: 9px 14px; border-left: 3px solid transparent; color: #334155;
}
QListWidget#Sidebar::item:hover { background: #e2e8f0; }
QListWidget#Sidebar::item:selected {
    background: #e0e7ff; color: #1e3a8a; border-left: 3px solid #2563eb;
}
QLabel#SidebarTitle {
    color: #64748b; font-size: 11px; font-weight: 600; padding: 14px 17px 4px;
}

QLabel#PageTitle { font-size: 20px; font-weight: 600; color: #0f172a; }
QLabel#SectionTitle { font-size: 14px; font-weight: 600; color: #0f172a; }
QLabel#PageIntro, QLabel#Hint { color: #64748b; }
QLabel#FieldError { color: #b91c1c; }
QLabel#EmptyTitle { font-size: 16px; font-weight: 600; color: #0f172a; }
QLabel#EmptyText { color: #475569; }
QLabel#Banner {
    background: #fef3c7; color: #78350f; border: 1px solid #fcd34d;
    border-radius: 4px; padding: 8px 10px;
}
QLabel#ErrorBanner {
    background: #fee2e2; color: #7f1d1d; border: 1px solid #fca5a5;
    border-radius: 4px; padding: 8px 10px;
}
QLabel#ManagedNote {
    background: #fff7ed; color: #7c2d12; border: 1px solid #fdba74;
    border-radius: 4px; padding: 6px 10px;
}
QFrame#Card {
    background: white; border: 1px solid #e2e8f0; border-radius: 6px;
}
QLabel#CardNumber { font-size: 28px; font-weight: 600; color: #0f172a; }

QPushButton {
    background: white; color: #0f172a; border: 1px solid #cbd5e1;
    border-radius: 4px; padding: 6px 14px; min-height: 18px;
}
QPushButton:hover { background: #f1f5f9; }
QPushButton:pressed { background: #e2e8f0; }
QPushButton:disabled { color: #94a3b8; border-color: #e2e8f0; }
QPushButton:focus { border-color: #2563eb; }
QPushButton#Primary {
    background: #2563eb; color: white; border: 1px solid #1d4ed8;
}
QPushButton#Primary:hover { background: #1d4ed8; }
QPushButton#Primary:disabled {
    background: #bfdbfe; color: #eff6ff; border-color: #bfdbfe;
}
QPushButton#Danger { color: #b91c1c; }
QPushButton#Danger:hover { background: #fef2f2; }
QPushButton#Danger:disabled { color: #94a3b8; border-color: #e2e8f0; }
QPushButton#Link {
    border: none; background: transparent; color: #2563eb; padding: 2px 0;
    text-align: left;
}
QPushButton#Link:hover { text-decoration: underline; }

QLineEdit, QComboBox#Form {
    border: 1px solid #cbd5e1; border-radius: 4px; padding: 5px 7px;
    background: white;
}
QLineEdit:focus { border-color: #2563eb; }
QLineEdit[invalid="true"] { border-color: #dc2626; }
QLineEdit:disabled { background: #f1f5f9; color: #64748b; }

QTableView {
    border: 1px solid #e2e8f0; border-radius: 4px; background: white;
    alternate-background-color: #f8fafc; gridline-color: transparent;
    selection-background-color: #dbeafe; selection-color: #0f172a;
}
QHeaderView::section {
    background: #f8fafc; color: #475569; border: none;
    border-bottom: 1px solid #e2e8f0; padding: 6px 8px; font-weight: 600;
}
QListWidget#Picker, QListWidget#TypeList, QListWidget#Attached {
    border: 1px solid #e2e8f0; border-radius: 4px; background: white;
    outline: 0;
}
QListWidget#TypeList::item { padding: 8px 10px; color: #0f172a; }
QListWidget#Attached::item { padding: 9px 10px; color: #0f172a; }
QListWidget#Picker::item { padding: 7px 10px; color: #0f172a; }
QListWidget#TypeList::item:selected { background: #dbeafe; color: #0f172a; }
QListWidget#Attached::item:selected { background: #dbeafe; color: #0f172a; }
QListWidget#Picker::item:selected { background: #dbeafe; color: #0f172a; }
QTabWidget::pane { border: none; border-top: 1px solid #e2e8f0; top: -1px; }
QTabBar { qproperty-drawBase: 0; }
QTabWidget::tab-bar { left: 14px; }
QTabBar::tab {
    padding: 8px 16px; border: none; color: #475569;
    border-bottom: 2px solid transparent;
}
QTabBar::tab:selected { color: #1e3a8a; border-bottom: 2px solid #2563eb; }
QTabBar::tab:hover { color: #0f172a; }
QSplitter::handle { background: #e2e8f0; }
QSplitter::handle:horizontal { width: 1px; }
"""


def light_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#ffffff",
        QPalette.ColorRole.WindowText: "#0f172a",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f8fafc",
        QPalette.ColorRole.Text: "#0f172a",
        QPalette.ColorRole.Button: "#f8fafc",
        QPalette.ColorRole.ButtonText: "#0f172a",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#1e293b",
        QPalette.ColorRole.ToolTipText: "#f8fafc",
        QPalette.ColorRole.PlaceholderText: "#94a3b8",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    return palette


def styled_application(program: str) -> QApplication:
    """A new application in the product's look.

    Fusion is chosen with Qt's ``-style`` option, so Qt creates it when the
    first widget needs it. ``QApplication.setStyle`` would hand the style to
    Python, and PySide would build ``QStyle``'s type with its large enums
    first: ~6 ms before the window could paint.
    """
    app = QApplication([program, "-style", "Fusion"])
    _apply_look(app)
    return app


def apply_style(app: QApplication) -> None:
    """The product's look on an application that already exists."""
    app.setStyle("Fusion")
    _apply_look(app)


def _apply_look(app: QApplication) -> None:
    app.setPalette(light_palette())
    app.setStyleSheet(STYLE_SHEET.replace("@ICONS@", ICON_DIR.as_posix()))
