"""Whether an integration has a saved password: real SQLite and keyring."""

from __future__ import annotations

from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services


def test_has_password_tells_saved_from_never_saved(services: Services) -> None:
    draft = IntegrationDraft(name="Mirror", provider="registry", url="mirror.example")
    without = services.integrations.add(draft, None)
    signed_in = services.integrations.add(
        IntegrationDraft(
            name="Prod", provider="registry", url="reg.example", username="dev"
        ),
        "pw",
    )

    assert services.integrations.has_password(without.id) is False
    assert services.integrations.has_password(signed_in.id) is True
