"""Frozen entry point of ``dtr-desktop``: the window, or a subcommand."""

import sys

from dtr_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
