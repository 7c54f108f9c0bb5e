"""The window's lists, read with sqlite3, agree with the store's full reads."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.domain.values import TestResult as Outcome
from dtr_desktop.services import Services


def _add(
    services: Services, name: str, password: str | None = None, **changes: object
) -> str:
    values: dict[str, object] = {
        "name": name,
        "provider": "registry",
        "url": "https://r.test",
    }
    values.update(changes)
    draft = IntegrationDraft(**values)  # type: ignore[arg-type]
    return services.integrations.add(draft, password).id


def test_listings_match_the_full_reads_less_what_only_dialogs_show(
    services: Services,
) -> None:
    used = _add(
        services, "Zeta", provider="dtr", username="bob", email="b@x.org", password="pw"
    )
    _add(services, "alpha", url="http://a.test", insecure=True)
    services.subscriptions.add("Team")
    services.subscriptions.attach("Team", "Zeta")
    tested_at = datetime(2026, 1, 2, 3, 4, 5, 678901)
    services.integrations.record_test(
        used, Outcome("unauthorized", "Refused.", tested_at)
    )

    listed = services.integrations.listing()

    full = [
        dataclasses.replace(
            item, email="", ca_cert_pem=None, created_at=None, updated_at=None
        )
        for item in services.integrations.list()
    ]
    assert listed == full
    assert [i.name for i in listed] == ["alpha", "Zeta"]
    assert listed[1].last_tested_at == tested_at
    assert listed[1].subscriptions == ("Team",)
    assert services.subscriptions.listing() == services.subscriptions.list()


def test_listing_a_new_data_folder_creates_the_database(data_dir: Path) -> None:
    fresh = Services(data_dir)
    try:
        assert fresh.integrations.listing() == []
        assert fresh.subscriptions.listing() == []
        assert (data_dir / "dtr-desktop.sqlite3").exists()
    finally:
        fresh.close()


def test_listing_an_existing_database_does_not_load_sqlalchemy(
    services: Services, data_dir: Path
) -> None:
    _add(services, "Prod")
    script = (
        "import sys; from pathlib import Path; "
        "from dtr_desktop.services import Services; "
        f"s = Services(Path({str(data_dir)!r})); "
        "print(len(s.integrations.listing()), len(s.subscriptions.listing()), "
        "'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["1", "0", "False"]
