"""sign-in: growing delays per account and client instead of a lock-out; a password an
administrator chose must be changed at the next sign-in

Revision ID: 0005_signin
Revises: 0004_journeys
Create Date: 2026-12-02 04:40:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0005_signin"
down_revision = "0004_journeys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", talkzone.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_in_failures_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "client", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", talkzone.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_column("must_change_password")
    op.drop_table("sign_in_failures")
