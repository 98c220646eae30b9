"""the JSON API: clients with hashed tokens, hand-off status from the case system, items by change

Revision ID: 0010_api
Revises: 0009_worksurface
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0010_api"
down_revision = "0009_worksurface"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("areas", talkzone.models.Json, nullable=False),
        sa.Column("created_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", talkzone.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_clients_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_clients_token_hash")),
    )
    op.create_table(
        "handoffs",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("case_id", sa.String(100), nullable=True),
        sa.Column("allocated_worker", sa.String(200), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", talkzone.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["api_clients.id"], name=op.f("fk_handoffs_client_id_api_clients")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_handoffs_submission_id_submissions")),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_handoffs")),
    )
    op.create_index("ix_handoffs_status", "handoffs", ["status"], unique=False)
    op.create_index("ix_submissions_changed", "submissions", ["updated_at", "id"], unique=False)
    op.create_index("ix_submissions_area_changed", "submissions", ["kind", "area_code", "updated_at", "id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_submissions_area_changed", table_name="submissions")
    op.drop_index("ix_submissions_changed", table_name="submissions")
    op.drop_index("ix_handoffs_status", table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_table("api_clients")
