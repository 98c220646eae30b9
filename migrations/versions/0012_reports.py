"""reports: the roll-up of item counts per UK day, kind, area and reported value, filled from stored items

Revision ID: 0012_reports
Revises: 0011_webhooks
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from talkzone import rollup

revision = "0012_reports"
down_revision = "0011_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_counts",
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("area_code", sa.String(50), nullable=False),
        sa.Column("safeguarding", sa.Boolean(), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*rollup.KEY, name=op.f("pk_report_counts")),
    )
    # The rows of this revision as the roll-up's query makes them (0015 turns the rows per day
    # reached into timeliness rows and adds weeks and hand-offs).
    rollup.insert_as_made(op.get_bind(), rollup.LEVELS_0012)


def downgrade() -> None:
    op.drop_table("report_counts")
