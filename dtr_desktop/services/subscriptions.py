"""Subscriptions and which account integrations each one uses."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from dtr_desktop.domain.errors import ManagedByPolicy, ValidationError
from dtr_desktop.domain.validation import name_error, normalize_name
from dtr_desktop.domain.values import Subscription

if TYPE_CHECKING:
    from dtr_desktop.services.app import Services

log = logging.getLogger(__name__)


def _clean_name(name: str) -> str:
    why = name_error(name)
    if why:
        raise ValidationError({"name": why.replace("integration", "subscription")})
    return normalize_name(name)


class SubscriptionService:
    def __init__(self, services: Services) -> None:
        self._services = services

    def listing(self) -> list[Subscription]:
        """Every subscription, read without loading SQLAlchemy (for the window)."""
        from dtr_desktop.services.integrations import read_plain
        from dtr_desktop.store import listing

        return read_plain(self._services, listing.subscriptions)

    def list(self) -> list[Subscription]:
        from dtr_desktop.store.queries import SubscriptionStore

        with self._services.session() as session:
            return SubscriptionStore(session).all()

    def get(self, name: str) -> Subscription:
        from dtr_desktop.store.queries import SubscriptionStore

        with self._services.session() as session:
            return SubscriptionStore(session).get(name)

    def add(self, name: str) -> Subscription:
        from dtr_desktop.store.queries import SubscriptionStore, to_subscription

        name = _clean_name(name)
        with self._services.session() as session:
            added = to_subscription(SubscriptionStore(session).add(name))
        log.info("subscription %s added", added.id)
        return added

    def rename(self, name: str, new_name: str) -> Subscription:
        from dtr_desktop.store.queries import SubscriptionStore, to_subscription

        new_name = _clean_name(new_name)
        with self._services.session() as session:
            store = SubscriptionStore(session)
            row = store.row_by_name(name)
            _refuse_if_managed(row.managed, row.name, "renamed")
            store.rename(row, new_name)
            renamed = to_subscription(row)
        log.info("subscription %s renamed", renamed.id)
        return renamed

    def delete(self, name: str) -> None:
        """Delete a subscription; its integrations stay in the account."""
        from dtr_desktop.store.queries import SubscriptionStore

        with self._services.session() as session:
            store = SubscriptionStore(session)
            row = store.row_by_name(name)
            _refuse_if_managed(row.managed, row.name, "deleted")
            subscription_id = row.id
            store.delete(row)
        log.info("subscription %s deleted", subscription_id)

    def attach(self, subscription: str, integration: str) -> bool:
        from dtr_desktop.store.queries import IntegrationStore, SubscriptionStore

        with self._services.session() as session:
            row = SubscriptionStore(session).row_by_name(subscription)
            target = IntegrationStore(session).row_by_name(integration)
            changed = SubscriptionStore(session).attach(row, target)
        log.info("integration %s attached to subscription %s", target.id, row.id)
        return changed

    def detach(self, subscription: str, integration: str) -> bool:
        from dtr_desktop.store.queries import IntegrationStore, SubscriptionStore

        with self._services.session() as session:
            row = SubscriptionStore(session).row_by_name(subscription)
            target = IntegrationStore(session).row_by_name(integration)
            if _policy_link(self._services, row.name, target.policy_key):
                raise ManagedByPolicy(
                    f"Your administrator's policy attaches {target.name!r} to "
                    f"{row.name!r}; it cannot be detached here."
                )
            changed = SubscriptionStore(session).detach(row, target)
        log.info("integration %s detached from subscription %s", target.id, row.id)
        return changed


def _policy_link(services: Services, subscription: str, key: str | None) -> bool:
    return key is not None and services.policy.attaches(subscription, key)


def _refuse_if_managed(managed: bool, name: str, verb: str) -> None:
    if managed:
        raise ManagedByPolicy(
            f"Subscription {name!r} is defined by your administrator's policy and "
            f"cannot be {verb}."
        )
