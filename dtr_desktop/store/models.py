"""Typed SQLAlchemy models; alembic revisions under ``migrations/`` own the schema."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


subscription_integrations = Table(
    "subscription_integrations",
    Base.metadata,
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "integration_id",
        String(32),
        ForeignKey("integrations.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class IntegrationRow(Base):
    __tablename__ = "integrations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    provider: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2048))
    host_key: Mapped[str] = mapped_column(String(300), index=True)
    username: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    insecure: Mapped[bool] = mapped_column(Boolean, default=False)
    ca_cert_pem: Mapped[str | None] = mapped_column(Text, nullable=True)
    managed: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_test_outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_test_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_tested_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    subscriptions: Mapped[list[SubscriptionRow]] = relationship(
        secondary=subscription_integrations,
        back_populates="integrations",
        order_by="SubscriptionRow.name_key",
        passive_deletes=True,
    )


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    managed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    integrations: Mapped[list[IntegrationRow]] = relationship(
        secondary=subscription_integrations,
        back_populates="subscriptions",
        order_by="IntegrationRow.name_key",
        passive_deletes=True,
    )
