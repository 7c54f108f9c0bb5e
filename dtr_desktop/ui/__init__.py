"""The desktop window: the only package of dtr-desktop that imports PySide6.

Importing this package itself loads no Qt, so the command line can ask
``dtr_desktop.ui.display`` whether a window can open before paying for Qt.
"""
