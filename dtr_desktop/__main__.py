"""``python -m dtr_desktop`` is the ``dtr-desktop`` command."""

import sys

from dtr_desktop.cli import main

sys.exit(main())
