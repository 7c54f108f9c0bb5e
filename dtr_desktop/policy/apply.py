"""Bringing a user's database in line with the policy, without touching secrets.

Managed rows are found by the policy's ``id`` (kept in ``policy_key``), so
a renamed entry or a changed URL updates the row the user already has, and
the password stored under that row's id stays valid. Entries the policy no
longer lists become ordinary integrations of the user: nothing is deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dtr_desktop.domain.validation import name_key
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.policy.hosts import rule_violations
from dtr_desktop.policy.model import ManagedIntegration, ManagedSubscription, Policy
from dtr_desktop.store.models import IntegrationRow, SubscriptionRow
from dtr_desktop.store.queries import (
    IntegrationStore,
    SubscriptionStore,
    apply_draft,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    """What applying the policy changed, in names a person recognises."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    subscriptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.released or self.subscriptions)

    def lines(self) -> list[str]:
        parts = [
            ("Added", self.added),
            ("Updated", self.updated),
            ("No longer managed (kept as your own)", self.released),
            ("Subscriptions set up", self.subscriptions),
        ]
        found = [f"{label}: {', '.join(names)}" for label, names in parts if names]
        return found + self.warnings


def apply_policy(session: Session, policy: Policy) -> ApplyReport:
    """Apply ``policy`` inside the caller's session (the caller commits)."""
    report = ApplyReport()
    wanted = {entry.key for entry in policy.integrations}
    _release_integrations(session, wanted, report)
    rows = {
        entry.key: _apply_integration(session, entry, report)
        for entry in policy.integrations
    }
    _release_subscriptions(session, policy.subscriptions, report)
    for subscription in policy.subscriptions:
        _apply_subscription(session, subscription, rows, report)
    _warn_about_own_integrations(session, policy, report)
    return report


def _managed_rows(session: Session) -> list[IntegrationRow]:
    query = select(IntegrationRow).where(
        or_(IntegrationRow.managed.is_(True), IntegrationRow.policy_key.is_not(None))
    )
    return list(session.scalars(query))


def _release_integrations(
    session: Session, wanted: set[str], report: ApplyReport
) -> None:
    for row in _managed_rows(session):
        if row.policy_key in wanted:
            continue
        row.managed = False
        row.locked = False
        row.policy_key = None
        row.updated_at = utcnow()
        report.released.append(row.name)
        log.info("integration %s is no longer managed by the policy", row.id)


def _apply_integration(
    session: Session, entry: ManagedIntegration, report: ApplyReport
) -> IntegrationRow | None:
    store = IntegrationStore(session)
    row = session.scalar(
        select(IntegrationRow).where(IntegrationRow.policy_key == entry.key)
    )
    if row is None and store.name_taken(entry.name):
        own = store.row_by_name(entry.name)
        if own.policy_key is not None:
            report.warnings.append(
                f"Policy integration {entry.name!r} waits for another managed entry "
                "to give up that name; it appears at the next start."
            )
            return None
        row = own  # the user's own integration of that name: adopt it
    if row is not None and store.name_taken(entry.name, except_id=row.id):
        report.warnings.append(
            f"Policy integration {entry.name!r} could not be renamed: you already "
            "have an integration of that name. Rename yours to receive it."
        )
        return row
    if row is None:
        row = store.add(
            _draft(entry), managed=True, locked=entry.locked, policy_key=entry.key
        )
        report.added.append(entry.name)
        log.info("policy integration %s added as %s", entry.key, row.id)
        return row
    _update_row(row, entry, report)
    return row


def _draft(
    entry: ManagedIntegration, username: str = "", email: str = ""
) -> IntegrationDraft:
    return IntegrationDraft(
        name=entry.name,
        provider=entry.provider,
        url=entry.url,
        username=username,
        email=email,
        insecure=entry.insecure,
        ca_cert_pem=entry.ca_cert_pem,
    )


def _update_row(
    row: IntegrationRow, entry: ManagedIntegration, report: ApplyReport
) -> None:
    before = (row.name, row.provider, row.url, row.insecure, row.ca_cert_pem)
    flags = (row.managed, row.locked, row.policy_key)
    draft = _draft(entry, row.username, row.email)
    after = (draft.name, draft.provider, draft.url, draft.insecure, draft.ca_cert_pem)
    if before == after and flags == (True, entry.locked, entry.key):
        return
    apply_draft(row, draft)
    row.managed, row.locked, row.policy_key = True, entry.locked, entry.key
    row.updated_at = utcnow()
    report.updated.append(entry.name)
    log.info("integration %s updated from policy entry %s", row.id, entry.key)


def _release_subscriptions(
    session: Session, wanted: tuple[ManagedSubscription, ...], report: ApplyReport
) -> None:
    names = {name_key(subscription.name) for subscription in wanted}
    query = select(SubscriptionRow).where(SubscriptionRow.managed.is_(True))
    for row in session.scalars(query):
        if row.name_key not in names:
            row.managed = False
            report.released.append(f"subscription {row.name}")


def _apply_subscription(
    session: Session,
    entry: ManagedSubscription,
    rows: dict[str, IntegrationRow | None],
    report: ApplyReport,
) -> None:
    store = SubscriptionStore(session)
    existing = session.scalar(
        select(SubscriptionRow).where(SubscriptionRow.name_key == name_key(entry.name))
    )
    row = existing or store.add(entry.name, managed=True)
    changed = existing is None or not row.managed
    row.managed = True
    wanted = [found for key in entry.integration_keys if (found := rows.get(key))]
    for attached in list(row.integrations):
        if attached.policy_key is not None and attached not in wanted:
            changed |= store.detach(row, attached)
    for integration in wanted:
        changed |= store.attach(row, integration)
    if changed:
        report.subscriptions.append(entry.name)


def _warn_about_own_integrations(
    session: Session, policy: Policy, report: ApplyReport
) -> None:
    """The rules apply to new changes; older integrations that break them are named."""
    query = select(IntegrationRow).where(IntegrationRow.managed.is_(False))
    for row in session.scalars(query):
        problems = rule_violations(policy.rules, row.url, row.insecure)
        if problems:
            report.warnings.append(
                f"Your integration {row.name!r} does not meet the policy, which "
                f"{_clauses(problems.values())}. It keeps working, but its "
                "address cannot be changed to another one the policy refuses."
            )


def _clauses(reasons: Iterable[str]) -> str:
    """The rules' field messages as one clause each, without the repeated subject.

    Each field message is a sentence of its own ("Your administrator's policy
    allows only …."); in a warning that already names the policy they read
    as "which allows only … and does not allow …".
    """
    subject = "Your administrator's policy "
    parts = [reason.removeprefix(subject).removesuffix(".") for reason in reasons]
    return " and ".join(parts)
