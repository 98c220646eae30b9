"""webhooks: subscriptions of council systems and one delivery row per event and subscription

Revision ID: 0011_webhooks
Revises: 0010_api
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0011_webhooks"
down_revision = "0010_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", talkzone.models.Json, nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("include_item", sa.Boolean(), nullable=False),
        sa.Column("created_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("removed_at", talkzone.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["webhook_subscriptions.id"],
                                name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions")),
        sa.ForeignKeyConstraint(["outbox_message_id"], ["outbox_messages.id"],
                                name=op.f("fk_webhook_deliveries_outbox_message_id_outbox_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("outbox_message_id", name=op.f("uq_webhook_deliveries_outbox_message_id")),
    )
    op.create_index(op.f("ix_webhook_deliveries_subscription_id"), "webhook_deliveries", ["subscription_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_deliveries_subscription_id"), table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
