"""Frozen entry point of ``dtr-desktop``: the window, or a subcommand.

``dtr-desktop --credential-helper ACTION`` runs the docker credential helper
with everything this program holds; the bundle's own
``docker-credential-dtr-desktop`` hands it what its quick paths cannot do.
"""

import sys

HELPER_FLAG = "--credential-helper"

if __name__ == "__main__":
    if sys.argv[1:2] == [HELPER_FLAG]:
        from dtr_desktop.credential_helper import main as helper

        sys.exit(helper(sys.argv[2:]))
    from dtr_desktop.cli import main

    sys.exit(main())
