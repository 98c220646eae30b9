"""report timeliness, weeks and hand-offs in the roll-up, made afresh for stored items

The roll-up kept one row per UK day and day reached ("reached"), which the reports compared
with each day's deadline; it now keeps whether the deadline was met ("timely" and "m:timely"),
decided as the row is written, the counts per week ("w:all") and each hand-off status per month
("m:handoff"). The table is unchanged; its rows are made afresh.

Revision ID: 0015_report_timeliness
Revises: 0014_idempotency
Create Date: 2026-12-03 09:00:00
"""

from alembic import op

from talkzone import rollup
from talkzone.models import ReportCount

revision = "0015_report_timeliness"
down_revision = "0014_idempotency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rollup.rebuild(op.get_bind())


def downgrade() -> None:
    table = ReportCount.__table__
    bind = op.get_bind()
    bind.execute(table.delete().where(table.c.dimension.not_in(rollup.LEVELS_0012)))
    rollup.insert_as_made(bind, ["reached"])
