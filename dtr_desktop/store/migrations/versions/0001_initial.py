"""Initial schema: integrations, subscriptions and the link between them.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False, unique=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("host_key", sa.String(300), nullable=False, index=True),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("insecure", sa.Boolean, nullable=False),
        sa.Column("ca_cert_pem", sa.Text, nullable=True),
        sa.Column("managed", sa.Boolean, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("policy_key", sa.String(200), nullable=True),
        sa.Column("last_test_outcome", sa.String(32), nullable=True),
        sa.Column("last_test_message", sa.Text, nullable=True),
        sa.Column("last_tested_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False, unique=True),
        sa.Column("managed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "subscription_integrations",
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "integration_id",
            sa.String(32),
            sa.ForeignKey("integrations.id", ondelete="RESTRICT"),
            primary_key=True,
            index=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("subscription_integrations")
    op.drop_table("subscriptions")
    op.drop_table("integrations")
