"""An integration's stored last test describes the values it has now.

Real SQLite and the real keyring.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.domain.values import TestResult as StoredTest
from dtr_desktop.services import Services

WRONG = StoredTest("bad-credentials", "Wrong password.", datetime(2026, 1, 2, 3, 4))
PASSED = StoredTest("ok", "Connected.", datetime(2026, 1, 2, 3, 5))
DRAFT = IntegrationDraft(
    name="Prod", provider="registry", url="https://reg.example.com", username="dev"
)


def added_with_failed_test(services: Services) -> str:
    added = services.integrations.add(DRAFT, "old-pw")
    services.integrations.record_test(added.id, WRONG)
    return added.id


@pytest.mark.parametrize(
    ("changes", "password"),
    [
        ({"url": "https://other.example.com"}, None),
        ({"username": "someone"}, None),
        ({}, "new-pw"),
        ({"insecure": True, "url": "http://reg.example.com"}, None),
    ],
)
def test_edit_of_tested_values_forgets_the_last_test(
    services: Services, changes: dict[str, object], password: str | None
) -> None:
    integration_id = added_with_failed_test(services)

    edited = services.integrations.edit(
        integration_id, replace(DRAFT, **changes), password
    )

    assert edited.last_test_outcome is None
    assert edited.last_tested_at is None
    stored = services.integrations.get_by_id(integration_id)
    assert (stored.last_test_outcome, stored.last_test_message) == (None, None)


def test_edit_of_the_name_or_the_same_password_keeps_the_last_test(
    services: Services,
) -> None:
    integration_id = added_with_failed_test(services)

    services.integrations.edit(integration_id, replace(DRAFT, name="Renamed"))
    services.integrations.edit(integration_id, replace(DRAFT, name="Renamed"), "old-pw")

    stored = services.integrations.get_by_id(integration_id)
    assert stored.last_test_outcome == "bad-credentials"
    assert stored.last_tested_at == WRONG.tested_at


def test_edit_with_the_test_run_on_the_new_values_records_it(
    services: Services,
) -> None:
    integration_id = added_with_failed_test(services)

    edited = services.integrations.edit(
        integration_id, DRAFT, "right-pw", last_test=PASSED
    )

    assert (edited.last_test_outcome, edited.last_test_message) == (
        "ok",
        "Connected.",
    )
    stored = services.integrations.get_by_id(integration_id)
    assert stored.last_test_outcome == "ok"
    assert stored.last_tested_at == PASSED.tested_at
    assert services.integrations.password(integration_id) == "right-pw"


def test_add_with_a_test_records_it(services: Services) -> None:
    added = services.integrations.add(DRAFT, "pw", last_test=PASSED)

    assert added.last_test_outcome == "ok"
    stored = services.integrations.get_by_id(added.id)
    assert (stored.last_test_outcome, stored.last_tested_at) == (
        "ok",
        PASSED.tested_at,
    )
