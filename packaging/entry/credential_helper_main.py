"""Frozen entry point of ``docker-credential-dtr-desktop``."""

import sys

from dtr_desktop.credential_helper import main

if __name__ == "__main__":
    sys.exit(main())
