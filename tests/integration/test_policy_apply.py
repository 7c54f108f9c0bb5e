"""Applying the policy to a user's data through the services, with the real keyring."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from dtr_desktop.domain.errors import ManagedByPolicy
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.policy import PolicyViolation
from dtr_desktop.services import Services
from dtr_desktop.services.policy import apply_policy_at_start
from tests.conftest import keyring_items

BASE = """
[rules]
forbid_insecure = true
allowed_hosts = ["dtr.corp.example", "*.corp.example"]

[[integrations]]
id = "corp-dtr"
name = "Corp DTR"
type = "dtr"
url = "https://dtr.corp.example"

[[integrations]]
id = "mirror"
name = "Mirror"
type = "registry"
url = "https://mirror.corp.example"
locked = false

[[subscriptions]]
name = "Production"
integrations = ["corp-dtr"]
"""


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    path.write_text(BASE)
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(path))
    return path


def rewrite(path: Path, text: str) -> None:
    """Write a new version the cache must notice even within one clock tick."""
    path.write_text(text)
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_predefined_entries_appear_managed_and_locked(
    services: Services, policy_file: Path
) -> None:
    assert apply_policy_at_start(services) == []

    dtr = services.integrations.get("Corp DTR")
    mirror = services.integrations.get("Mirror")
    assert (dtr.url, dtr.provider, dtr.username) == (
        "https://dtr.corp.example",
        "dtr",
        "",
    )
    assert (dtr.managed, dtr.locked) == (True, True)
    assert (mirror.managed, mirror.locked) == (True, False)
    production = services.subscriptions.get("Production")
    assert production.managed is True
    assert production.integrations == ("Corp DTR",)


def test_applying_twice_changes_nothing(services: Services, policy_file: Path) -> None:
    services.policy.apply()

    again = services.policy.apply()

    assert not again.changed
    assert again.lines() == []


def test_user_fills_in_credentials_but_cannot_change_locked_fields(
    services: Services, policy_file: Path
) -> None:
    services.policy.apply()
    dtr = services.integrations.get("Corp DTR")

    edited = services.integrations.edit(
        dtr.id, replace(dtr.draft(), username="alice"), "s3cret-pass"
    )

    assert edited.username == "alice"
    assert services.integrations.password(dtr.id) == "s3cret-pass"
    for change in (
        {"url": "https://dtr2.corp.example"},
        {"name": "Renamed"},
        {"insecure": True},
    ):
        with pytest.raises(ManagedByPolicy, match="managed by your administrator"):
            services.integrations.edit(dtr.id, replace(edited.draft(), **change))
    with pytest.raises(ManagedByPolicy, match="cannot be deleted"):
        services.integrations.delete(dtr.id)
    with pytest.raises(ManagedByPolicy):
        services.subscriptions.delete("Production")


def test_allow_list_is_enforced_on_add(services: Services, policy_file: Path) -> None:
    draft = IntegrationDraft(name="Elsewhere", provider="registry", url="other.example")

    with pytest.raises(PolicyViolation) as caught:
        services.integrations.add(draft, None)

    assert "dtr.corp.example, *.corp.example" in caught.value.field_errors["url"]
    assert [i.name for i in services.integrations.list()] == []
    allowed = services.integrations.add(replace(draft, url="team.corp.example"), None)
    assert allowed.url == "https://team.corp.example"


def test_no_insecure_registry_on_add_or_edit(
    services: Services, policy_file: Path
) -> None:
    draft = IntegrationDraft(
        name="Plain", provider="registry", url="http://team.corp.example", insecure=True
    )
    with pytest.raises(PolicyViolation) as caught:
        services.integrations.add(draft, None)
    assert set(caught.value.field_errors) == {"insecure", "url"}

    own = services.integrations.add(
        replace(draft, url="https://team.corp.example", insecure=False), None
    )
    with pytest.raises(PolicyViolation):
        services.integrations.edit(own.id, replace(own.draft(), insecure=True))
    with pytest.raises(PolicyViolation):
        services.integrations.edit(own.id, replace(own.draft(), url="x.example"))
    assert services.integrations.get("Plain").url == "https://team.corp.example"


def test_older_integrations_outside_the_rules_keep_working(
    services: Services, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(policy_file.with_name("none.toml")))
    old = services.integrations.add(
        IntegrationDraft("Old", "registry", "old.example", username="bob"), "pw-1"
    )
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(policy_file))

    warnings = apply_policy_at_start(services)

    assert any("'Old' does not meet" in warning for warning in warnings)
    changed = services.integrations.edit(old.id, old.draft(), "pw-2")
    assert services.integrations.password(changed.id) == "pw-2"


def test_a_changed_policy_updates_data_without_losing_secrets(
    services: Services, policy_file: Path
) -> None:
    services.policy.apply()
    dtr = services.integrations.get("Corp DTR")
    services.integrations.edit(dtr.id, replace(dtr.draft(), username="alice"), "pw")
    changed = BASE.replace("https://dtr.corp.example", "https://dtr-new.corp.example")
    changed = changed.replace('name = "Corp DTR"', 'name = "Corporate DTR"')
    rewrite(policy_file, changed)

    report = services.policy.apply()

    assert report.updated == ["Corporate DTR"]
    moved = services.integrations.get_by_id(dtr.id)
    assert (moved.name, moved.url, moved.username) == (
        "Corporate DTR",
        "https://dtr-new.corp.example",
        "alice",
    )
    assert services.integrations.password(dtr.id) == "pw"
    assert services.subscriptions.get("Production").integrations == ("Corporate DTR",)


def test_removed_entries_become_the_users_own_with_their_secret(
    services: Services, policy_file: Path
) -> None:
    services.policy.apply()
    dtr = services.integrations.get("Corp DTR")
    services.integrations.edit(dtr.id, replace(dtr.draft(), username="alice"), "pw")
    rewrite(policy_file, "")

    report = services.policy.apply()

    assert sorted(report.released) == ["Corp DTR", "Mirror", "subscription Production"]
    kept = services.integrations.get_by_id(dtr.id)
    assert (kept.managed, kept.locked) == (False, False)
    assert services.integrations.password(dtr.id) == "pw"
    assert [secret for _, secret in keyring_items()] == ["pw"]
    services.integrations.edit(dtr.id, replace(kept.draft(), url="anywhere.example"))
    assert services.subscriptions.get("Production").managed is False


def test_a_deleted_policy_file_releases_everything(
    services: Services, policy_file: Path
) -> None:
    services.policy.apply()
    policy_file.unlink()

    services.policy.apply()

    assert [i.managed for i in services.integrations.list()] == [False, False]


def test_an_existing_own_integration_of_the_same_name_is_adopted(
    services: Services, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(policy_file.with_name("none.toml")))
    own = services.integrations.add(
        IntegrationDraft("corp dtr", "registry", "old.example", username="al"), "pw"
    )
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(policy_file))

    services.policy.apply()

    adopted = services.integrations.get_by_id(own.id)
    assert (adopted.name, adopted.url, adopted.username) == (
        "Corp DTR",
        "https://dtr.corp.example",
        "al",
    )
    assert adopted.locked is True
    assert services.integrations.password(own.id) == "pw"
    assert len(services.integrations.list()) == 2


def test_an_invalid_file_is_reported_and_data_is_untouched(
    services: Services, policy_file: Path
) -> None:
    services.policy.apply()
    before = services.integrations.list()
    rewrite(policy_file, BASE.replace('type = "dtr"', 'type = "dtrr"'))

    warnings = apply_policy_at_start(services)

    assert len(warnings) == 1
    assert str(policy_file) in warnings[0]
    assert "line 9: type must be one of" in warnings[0]
    assert services.integrations.list() == before
    with pytest.raises(PolicyViolation, match="policy file is invalid"):
        services.integrations.add(
            IntegrationDraft("New", "registry", "team.corp.example"), None
        )


def test_links_the_policy_makes_cannot_be_detached(
    services: Services, policy_file: Path
) -> None:
    assert apply_policy_at_start(services) == []
    services.subscriptions.attach("Production", "Mirror")

    with pytest.raises(ManagedByPolicy) as caught:
        services.subscriptions.detach("Production", "Corp DTR")

    assert "policy attaches 'Corp DTR'" in str(caught.value)
    assert services.subscriptions.detach("Production", "Mirror") is True
    assert services.subscriptions.get("Production").integrations == ("Corp DTR",)
