"""Where dtr-desktop keeps its files, and its log set-up."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

APP_NAME = "dtr-desktop"
DATA_DIR_ENV = "DTR_DESKTOP_DATA_DIR"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATABASE_FILE = "dtr-desktop.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, then ``$DTR_DESKTOP_DATA_DIR``, then the user data dir."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        try:
            return Path(chosen).expanduser().resolve()
        except (OSError, RuntimeError) as error:  # a symlink loop, for one
            from dtr_desktop.domain.errors import StoreError

            raise StoreError(
                f"The data folder {chosen} cannot be used ({error}). "
                "Choose another with --data-dir."
            ) from None
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def make_private_dir(path: Path, *, tighten: bool = True) -> None:
    """Create ``path`` and its missing parents readable by their owner only.

    ``mkdir(mode=...)`` applies the mode to the last folder alone, so its
    parents (the data folder above ``logs``, ``~/.local/share``) were made
    0755. With ``tighten``, an existing folder of the user's that others can
    read (made by an earlier version) is made 0700 too. Raises ``OSError``.
    """
    missing: list[Path] = []
    folder = path
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)  # or another process's
    if tighten:
        make_private(path, PRIVATE_DIR_MODE)


def make_private(path: Path | str, mode: int) -> None:
    """Take group and other permissions off the user's own file or folder.

    Nothing happens to one another user owns, nor where there are no POSIX
    permissions (Windows).
    """
    if os.name != "posix":
        return
    try:
        info = os.stat(path)
        if info.st_uid == os.getuid() and info.st_mode & 0o777 & ~mode:
            os.chmod(path, info.st_mode & mode)
    except OSError as error:
        logging.getLogger(__name__).warning(
            "could not make %s private: %s", path, error.strerror
        )


def make_private_data_dir(data: Path, overridden: bool) -> None:
    """The data folder, 0700; an existing one is tightened when it is ours.

    Ours: the default folder (named after the app), or one holding the
    database. A folder given with ``--data-dir`` that holds other things is
    the user's to set.
    """
    ours = not overridden or os.path.exists(data / DATABASE_FILE)
    make_private_dir(data, tighten=ours)


def log_dir(data: Path, overridden: bool) -> Path:
    if overridden:
        return data / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging(
    directory: Path, verbose: bool = False, defer_file: bool = False
) -> Callable[[], None]:
    """A rotating file in the log dir, and stderr when asked for.

    With ``defer_file`` the file is opened only when the returned function
    is called: the window calls it after its first paint, since importing
    ``logging.handlers`` and opening the file cost ~20 ms of start-up.
    Records logged until then are kept and written first.
    """
    root = logging.getLogger("dtr_desktop")
    if getattr(root, "_dtr_configured", False):
        return _nothing
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter(LOG_FORMAT)
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    root._dtr_configured = True  # type: ignore[attr-defined]
    if not defer_file:
        _add_file_handler(root, directory, formatter)
        return _nothing
    early = _EarlyRecords()
    root.addHandler(early)
    return lambda: _open_deferred(root, early, directory, formatter)


def _nothing() -> None:
    return None


class _EarlyRecords(logging.Handler):
    """Keeps the records logged before the log file is open (at most 1,000)."""

    LIMIT = 1000

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.LIMIT:
            self.records.append(record)


def _open_deferred(
    root: logging.Logger,
    early: _EarlyRecords,
    directory: Path,
    formatter: logging.Formatter,
) -> None:
    if early not in root.handlers:
        return
    root.removeHandler(early)
    handler = _add_file_handler(root, directory, formatter)
    if handler is not None:
        for record in early.records:
            handler.handle(record)
    early.records.clear()


def _add_file_handler(
    root: logging.Logger, directory: Path, formatter: logging.Formatter
) -> logging.Handler | None:
    try:
        make_private_dir(directory)
        if directory.parent.name == APP_NAME:  # ~/.local/state/dtr-desktop/log
            make_private(directory.parent, PRIVATE_DIR_MODE)
        handler = _private_log_handler(directory / f"{APP_NAME}.log")
    except OSError as error:
        print(
            f"dtr-desktop: cannot write logs to {directory}: {error}", file=sys.stderr
        )
        return None
    handler.setFormatter(formatter)
    root.addHandler(handler)
    return handler


def _private_log_handler(path: Path) -> logging.Handler:
    return PrivateLogFile(path)


class PrivateLogFile(logging.FileHandler):
    """A log file only its owner can read, rotated, quiet when the disk fails.

    The log names registries and users; other accounts on the machine have no
    business reading it. At ``MAX_BYTES`` it becomes ``NAME.1`` (the older
    ones move up to ``NAME.3``) and a new file starts, as
    ``logging.handlers.RotatingFileHandler`` does; that module is not used
    because importing it (with ``socket``, ``pickle`` and ``queue``) cost
    ~6 ms of every command. A full disk is reported once on stderr instead
    of a traceback for every record.
    """

    MAX_BYTES = 1_000_000
    BACKUPS = 3

    def __init__(self, path: Path) -> None:
        self.reported = False
        super().__init__(path, mode="a", encoding="utf-8")
        for number in range(self.BACKUPS + 1):
            if os.path.exists(self._numbered(number)):  # from an earlier version
                make_private(self._numbered(number), PRIVATE_FILE_MODE)

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        descriptor = os.open(self.baseFilename, flags, PRIVATE_FILE_MODE)
        return open(descriptor, "a", encoding=self.encoding)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._would_overflow(record):
                self._rotate()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _would_overflow(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        line = self.format(record) + self.terminator
        size = len(line.encode(self.encoding or "utf-8", "replace"))
        written = self.stream.seek(0, os.SEEK_END)
        return written > 0 and written + size >= self.MAX_BYTES

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        for number in range(self.BACKUPS, 0, -1):
            source = self._numbered(number - 1)
            if os.path.exists(source):
                os.replace(source, self._numbered(number))
        self.stream = self._open()

    def _numbered(self, number: int) -> str:
        return f"{self.baseFilename}.{number}" if number else self.baseFilename

    def handleError(self, record: logging.LogRecord) -> None:
        if not self.reported:
            self.reported = True
            print(
                f"dtr-desktop: cannot write the log {self.baseFilename}; "
                "is the disk full?",
                file=sys.stderr,
            )
