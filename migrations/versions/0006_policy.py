"""contact policy: an outbox message held outside the person's safe times keeps its release time

Revision ID: 0006_policy
Revises: 0005_signin
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0006_policy"
down_revision = "0005_signin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_until", talkzone.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("held_until")
