"""Remove plaintext passwords says what is still written, and where.

Real files in the test's HOME, the real keyring and SQLite.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from dtr_desktop.services import Services
from dtr_desktop.services.docker_interop import DockerInteropService, ImportChoice


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_removal_names_the_backup_and_the_skipped_logins_then_deletes_the_backup(
    services: Services, isolated_environment: Path
) -> None:
    home = isolated_environment
    config = home / ".docker" / "config.json"
    config.parent.mkdir()
    config.write_text(
        json.dumps(
            {
                "auths": {
                    "new.example.com": {"auth": b64("carol:removed-pw")},
                    "kept.example.com": {"auth": b64("erin:kept-pw")},
                }
            }
        )
    )
    interop = DockerInteropService(services, env={"HOME": str(home)})
    preview = {c.server: c for c in interop.preview_import()}
    report = interop.apply_import(
        [
            ImportChoice(preview["new.example.com"], "create"),
            ImportChoice(preview["kept.example.com"], "skip"),
        ]
    )

    removal = interop.clear_plaintext(report)

    (backup,) = removal.backups
    assert b64("carol:removed-pw") in backup.read_text()
    assert removal.removed == ("new.example.com",)
    assert removal.still_plaintext == ((config, ("kept.example.com",)),)
    summary = removal.summary()
    assert "are gone" not in summary
    assert (
        f"Removed them from {config}. Its backup still holds the removed "
        f"passwords; the previous version is {backup}." in summary
    )
    assert (
        f"Still written in plaintext in {config} (not imported): kept.example.com."
        in summary
    )

    assert interop.delete_backups(removal) == [backup]
    assert not backup.exists()
    assert b64("carol:removed-pw") not in config.read_text()
    assert b64("erin:kept-pw") in config.read_text()


def test_removal_says_when_nothing_else_is_left(
    services: Services, isolated_environment: Path
) -> None:
    home = isolated_environment
    config = home / ".docker" / "config.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"auths": {"a.example.com": {"auth": b64("u:p")}}}))
    interop = DockerInteropService(services, env={"HOME": str(home)})
    (found,) = interop.preview_import()
    report = interop.apply_import([ImportChoice(found, "create")])

    removal = interop.clear_plaintext(report)

    assert removal.still_plaintext == ()
    assert "No other password is written in plaintext in those files." in (
        removal.summary()
    )
