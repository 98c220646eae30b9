"""conversations: reply addresses, received messages, canned responses, outbox reply address

Revision ID: 0008_conversations
Revises: 0006_policy
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0008_conversations"
down_revision = "0006_policy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))
    op.create_table(
        "reply_addresses",
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("created_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_reply_addresses_submission_id_submissions")),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_reply_addresses")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_reply_addresses_submission_id")),
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("recipients", talkzone.models.Json, nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("bounced_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("attachments", talkzone.models.Json, nullable=False),
        sa.Column("problem", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["bounced_id"], ["outbox_messages.id"],
                                name=op.f("fk_inbound_messages_bounced_id_outbox_messages")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_inbound_messages_submission_id_submissions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_inbound_messages_message_id")),
    )
    op.create_index(op.f("ix_inbound_messages_submission_id"), "inbound_messages", ["submission_id"])
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_responses")),
    )


def downgrade() -> None:
    op.drop_table("canned_responses")
    op.drop_index(op.f("ix_inbound_messages_submission_id"), table_name="inbound_messages")
    op.drop_table("inbound_messages")
    op.drop_table("reply_addresses")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
