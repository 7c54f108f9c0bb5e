# PyInstaller hook for dtr_desktop: what a frozen copy needs that imports
# alone do not show. keyring's own hook (in PyInstaller) brings its backends
# and metadata; this adds the Secret Service stack and the database engine's
# SQLite dialect, which are imported by name at run time.
from PyInstaller.utils.hooks import collect_submodules

hiddenimports = [
    *collect_submodules("secretstorage"),
    *collect_submodules("jeepney"),
    "sqlalchemy.dialects.sqlite.pysqlite",
]
