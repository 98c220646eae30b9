"""idempotent send: a random key per draft, stored unique on the submission it becomes

Revision ID: 0014_idempotency
Revises: 0013_repeat
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_idempotency"
down_revision = "0013_repeat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Drafts in progress when this runs get their key when they are next sent.
    op.add_column("drafts", sa.Column("send_key", sa.String(64), nullable=True))
    op.add_column("submissions", sa.Column("send_key", sa.String(64), nullable=True))
    op.create_index(op.f("ix_submissions_send_key"), "submissions", ["send_key"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_submissions_send_key"), table_name="submissions")
    op.drop_column("submissions", "send_key")
    op.drop_column("drafts", "send_key")
