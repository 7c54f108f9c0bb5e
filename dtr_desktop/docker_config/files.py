"""Reading and atomically rewriting JSON credential files.

Writes keep every key dtr-desktop does not touch, go through a temporary
file in the same folder and a rename (so a crash leaves the old or the new
file, never half of one), and keep a copy of the old file next to it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from dtr_desktop.docker_config.errors import ConfigFileError

log = logging.getLogger(__name__)

MAX_CONFIG_BYTES = 10_000_000
PRIVATE_FILE_MODE = 0o600


def read_config(path: Path) -> dict[str, Any] | None:
    """The file's JSON object; ``None`` when the file does not exist."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigFileError(path, f"cannot be read ({error.strerror}).") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigFileError(path, "is larger than 10 MB; is it the right file?")
    return parse_config(path, data)


def parse_config(path: Path, data: bytes) -> dict[str, Any]:
    if not data.strip():
        return {}
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigFileError(path, "is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ConfigFileError(
            path,
            f"is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}). Fix or remove it and try again.",
        ) from None
    if not isinstance(value, dict):
        raise ConfigFileError(path, "must hold a JSON object ({...}).")
    return value


def write_config(
    path: Path, config: dict[str, Any], *, backup: bool = True
) -> Path | None:
    """Replace the file with ``config``; return where the old file was copied.

    A symbolic link is followed, as docker does, so dotfile managers keep
    working. A new file is private to the user (mode 0600).
    """
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    old = _read_bytes(target)
    mode = _current_mode(target)
    copy = _write_backup(target, old, mode) if backup and old is not None else None
    text = json.dumps(config, indent="\t", ensure_ascii=False) + "\n"
    write_private_file(target, text.encode("utf-8"), mode)
    log.info("wrote %s", target)
    return copy


def write_private_file(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE) -> None:
    """Write ``data`` to ``path`` atomically, readable only as ``mode`` allows."""
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigFileError(path, f"cannot be written ({error.strerror}).") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigFileError(path, f"cannot be read ({error.strerror}).") from None


def _current_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return PRIVATE_FILE_MODE


def _write_backup(path: Path, data: bytes, mode: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        suffix = f".{attempt}" if attempt else ""
        copy = path.with_name(f"{path.name}.{stamp}{suffix}.bak")
        try:
            handle = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        except OSError as error:
            raise ConfigFileError(
                path, f"no backup could be made ({error.strerror}); left unchanged."
            ) from None
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        log.info("kept a copy of %s as %s", path, copy)
        return copy
    raise ConfigFileError(path, "too many backups this second; left unchanged.")


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        log.debug("could not sync folder %s", folder)
    finally:
        os.close(handle)
