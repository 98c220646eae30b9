"""reports: one index that serves a date range with every column the reports group by

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:40:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ["created_at", "kind", "area_code", "channel", "outcome", "con_level"]


def upgrade() -> None:
    op.create_index("ix_submissions_report", "submissions", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_submissions_report", table_name="submissions")
