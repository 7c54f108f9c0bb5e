"""How an integration is named and explained in lists and tooltips.

Kept apart from the table model so the first screen (a subscription's
attached integrations) can show them without loading the model, the icons
and the registry helpers the table needs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dtr_desktop.domain.values import Integration

INSECURE_TIP = "Insecure registry: the password is sent over plain http."
LOCKED_TIP = (
    "Managed by your administrator's policy, which sets this registry up for "
    "everyone on this computer: its name, type and URL are locked and it "
    "cannot be deleted. You enter only your own user name and password."
)
UNLOCKED_TIP = (
    "Set up by your administrator's policy. You may edit it, but the policy "
    "puts its name, type and URL back each time dtr-desktop starts."
)


@cache
def _labels() -> dict[str, str]:
    from dtr_desktop.domain.providers import PROVIDERS

    return {provider.id: provider.label for provider in PROVIDERS}


def type_label(provider_id: str) -> str:
    return _labels().get(provider_id, provider_id)


def managed_tip(item: Integration) -> str | None:
    """Why a managed integration behaves as it does; None for the user's own."""
    if not item.managed:
        return None
    return LOCKED_TIP if item.locked else UNLOCKED_TIP
