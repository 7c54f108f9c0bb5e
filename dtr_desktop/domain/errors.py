"""The error tree shared by every layer.

Each error carries a message written for the person using dtr-desktop: what
went wrong and what to do about it. The window, the command line and the
credential helper show ``str(error)`` as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DtrDesktopError(Exception):
    """Base of every error dtr-desktop raises on purpose."""


class ValidationError(DtrDesktopError):
    """Input that cannot be saved; ``field_errors`` maps a field to its reason."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        detail = "; ".join(
            f"{field}: {why}" for field, why in self.field_errors.items()
        )
        super().__init__(f"Please correct the form: {detail}")


class NotFound(DtrDesktopError):
    """A named integration or subscription does not exist."""


class IntegrationNotFound(NotFound):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"There is no integration named {name!r}.")


class SubscriptionNotFound(NotFound):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"There is no subscription named {name!r}.")


class IntegrationInUse(DtrDesktopError):
    """Deleting an integration that subscriptions still use."""

    def __init__(self, integration: str, subscriptions: Sequence[str]) -> None:
        self.integration = integration
        self.subscriptions = list(subscriptions)
        names = ", ".join(self.subscriptions)
        super().__init__(
            f"Integration {integration!r} is used by {len(self.subscriptions)} "
            f"subscription(s): {names}. Detach it in each subscription's "
            "Settings → Integrations first."
        )


class ManagedByPolicy(DtrDesktopError):
    """A change that the administrator's policy file does not allow."""


class StoreError(DtrDesktopError):
    """The database could not be opened, migrated or written."""
