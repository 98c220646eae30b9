"""name pairs: a search term for each two parts of a name, both ways round, for the items stored

Revision ID: 0016_name_pairs
Revises: 0015_report_timeliness
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0016_name_pairs"
down_revision = "0015_report_timeliness"
branch_labels = None
depends_on = None

BATCH = 1000
PAIR = "w:"


def upgrade() -> None:
    """Write the ``w:`` terms of every stored item (its other terms are already there)."""
    from talkzone import search_terms
    from talkzone.models import Json, SearchTerm, Submission

    items = sa.table("submissions", sa.column("id", sa.Integer), sa.column("reference", sa.String),
                     sa.column("kind", sa.String), sa.column("answers", Json), sa.column("contact", Json),
                     sa.column("subject_name", sa.String), sa.column("postcode", sa.String),
                     sa.column("phone", sa.String), sa.column("email", sa.String))
    session = Session(bind=op.get_bind())
    last = 0
    while rows := session.execute(sa.select(items).where(items.c.id > last)
                                  .order_by(items.c.id).limit(BATCH)).mappings().all():
        ids = [row["id"] for row in rows]
        # Earlier backfills (0009, 0013) run today's terms_for, so an item may have its pairs already.
        session.execute(sa.delete(SearchTerm).where(SearchTerm.submission_id.in_(ids),
                                                    SearchTerm.term.startswith(PAIR)))
        pairs = [{"submission_id": row["id"], "term": term} for row in rows
                 for term in sorted(search_terms.terms_for(Submission(**row))) if term.startswith(PAIR)]
        if pairs:
            session.execute(sa.insert(SearchTerm), pairs)
        last = ids[-1]
    session.close()


def downgrade() -> None:
    op.execute("DELETE FROM search_terms WHERE term LIKE 'w:%'")
