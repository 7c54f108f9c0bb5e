"""Frozen entry point of the Linux ``docker-credential-dtr-desktop``.

Its archive holds only the quick paths of ``get``, ``list`` and ``version``
(no keyring, SQLAlchemy or alembic), so that starting it before every
``docker pull`` costs little. ``store``, ``erase`` and a ``get`` that needs
keyring run in the bundle's ``dtr-desktop``, which holds everything.
"""

import os
import sys

from dtr_desktop.credential_helper import main

FULL_PROGRAM = "dtr-desktop"
HELPER_FLAG = "--credential-helper"  # as in dtr_desktop_main.py

if __name__ == "__main__":
    folder = os.path.dirname(os.path.realpath(sys.executable))
    full = [os.path.join(folder, FULL_PROGRAM), HELPER_FLAG]
    sys.exit(main(full_program=full))
