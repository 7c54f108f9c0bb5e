"""Use cases that the window, the CLI and the credential helper all call.

Only ``Services`` is loaded with the package: the window creates it before
its first paint, and the use-case modules (validation, the store queries)
load when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dtr_desktop.services.app import Services

if TYPE_CHECKING:
    from dtr_desktop.services.integrations import IntegrationService
    from dtr_desktop.services.subscriptions import SubscriptionService

__all__ = ["IntegrationService", "Services", "SubscriptionService"]


def __getattr__(name: str) -> Any:
    if name == "IntegrationService":
        from dtr_desktop.services.integrations import IntegrationService

        return IntegrationService
    if name == "SubscriptionService":
        from dtr_desktop.services.subscriptions import SubscriptionService

        return SubscriptionService
    raise AttributeError(name)
