"""Use cases that the window, the CLI and the credential helper all call."""

from dtr_desktop.services.app import Services
from dtr_desktop.services.integrations import IntegrationService
from dtr_desktop.services.subscriptions import SubscriptionService

__all__ = ["IntegrationService", "Services", "SubscriptionService"]
