"""Docker ``config.json`` and containers ``auth.json``: reading, writing, helpers.

Nothing here knows of Qt, SQL or the keyring. The services combine these
pieces with the store into the import, export and "Use with Docker" actions.
"""
