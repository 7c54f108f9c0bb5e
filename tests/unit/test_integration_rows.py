"""The window's column-wise rows give back the integrations they were given."""

from __future__ import annotations

from datetime import datetime

from dtr_desktop.domain.integration_rows import IntegrationRows
from dtr_desktop.domain.values import Integration
from dtr_desktop.services import Services


def _item(id_: str, name: str, **changes: object) -> Integration:
    values: dict[str, object] = {
        "id": id_,
        "name": name,
        "provider": "registry",
        "url": "https://r.test",
        "username": "",
        "email": "",
    }
    values.update(changes)
    return Integration(**values)  # type: ignore[arg-type]


HEX_A = "0123456789abcdef0123456789abcdef"
HEX_B = "fedcba9876543210fedcba9876543210"


def test_rows_hold_the_listed_fields_sorted_by_name() -> None:
    tested = datetime(2026, 1, 2, 3, 4, 5, 678901)
    items = [
        _item(HEX_A, "zeta", insecure=True, subscriptions=("Team",)),
        _item(HEX_B, "Alpha", managed=True, locked=True, username="bob"),
        _item(
            "policy-1",
            "mid",
            last_test_outcome="ok",
            last_test_message="Fine.",
            last_tested_at=tested,
        ),
    ]

    rows = IntegrationRows.of(items)

    assert [item.name for item in rows] == ["Alpha", "mid", "zeta"]
    assert rows == sorted(items, key=lambda item: item.name.casefold())
    assert rows.get("policy-1") == items[2]
    assert rows.get(HEX_A) == items[0]
    assert rows.get("missing") is None
    assert rows.named("ALPHA") == items[1]


def test_put_moves_a_renamed_integration_and_keeps_its_old_slot_readable() -> None:
    rows = IntegrationRows.of([_item(HEX_A, "b"), _item(HEX_B, "c")])

    old, old_slot, slot = rows.put(_item(HEX_B, "a"))

    assert old is not None and old.name == "c"
    assert [item.name for item in rows] == ["a", "b"]
    assert rows.slot_of(HEX_B) == slot != old_slot
    assert not rows.is_live(old_slot) and rows.integration(old_slot).name == "c"
    assert rows.remove(HEX_A) == (_item(HEX_A, "b"), 0)
    assert [item.id for item in rows] == [HEX_B]


def test_a_test_result_is_recorded_in_its_row() -> None:
    rows = IntegrationRows.of([_item(HEX_A, "a"), _item("x", "b")])
    when = datetime(2026, 5, 6, 7, 8, 9, 1)

    assert rows.set_test("x", "unauthorized", "Refused.", when) >= 0
    assert rows.set_test("gone", "ok", "", when) == -1

    tested = rows.get("x")
    assert tested is not None
    assert (tested.last_test_outcome, tested.last_test_message) == (
        "unauthorized",
        "Refused.",
    )
    assert tested.last_tested_at == when


def test_the_service_rows_match_the_listing(services: Services) -> None:
    from dtr_desktop.domain.values import IntegrationDraft

    for name in ("Zeta", "alpha"):
        services.integrations.add(
            IntegrationDraft(name=name, provider="registry", url="https://r.test"),
            None,
        )

    assert list(services.integrations.rows()) == services.integrations.listing()


def test_ids_are_the_live_ids_in_name_order() -> None:
    rows = IntegrationRows.of([_item(HEX_A, "b"), _item("policy-1", "a")])
    rows.put(_item(HEX_B, "c"))
    rows.remove(HEX_A)

    assert rows.ids() == [item.id for item in rows] == ["policy-1", HEX_B]
