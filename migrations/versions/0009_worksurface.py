"""console work surface: normalised search terms and call back windows per item, filled for stored items

Revision ID: 0009_worksurface
Revises: 0008_conversations
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

import talkzone.models

revision = "0009_worksurface"
down_revision = "0008_conversations"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"),
                  nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_search_terms_submission_id_submissions")),
        sa.PrimaryKeyConstraint("submission_id", "term", name=op.f("pk_search_terms")),
    )
    op.create_index("ix_search_terms_term", "search_terms", ["term", "submission_id"], unique=False)
    op.create_table(
        "callback_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("ends_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_callback_windows_submission_id_submissions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_windows")),
    )
    op.create_index("ix_callback_windows_open", "callback_windows", ["ends_at", "starts_at", "submission_id"])
    op.create_index(op.f("ix_callback_windows_submission_id"), "callback_windows", ["submission_id"])
    # Plain ADD COLUMNs: a batch rebuild on SQLite would drop the expression indexes of 0002.
    op.add_column("submissions", sa.Column("safeguarding_reason", sa.Text(), nullable=True))
    op.add_column("submissions", sa.Column("safeguarding_by_id", sa.Integer(), nullable=True))
    op.add_column("submissions", sa.Column("safeguarding_at", talkzone.models.UTCDateTime(), nullable=True))
    op.add_column("callback_attempts", sa.Column("method", sa.String(10), nullable=True))
    _backfill()


def _backfill() -> None:
    """Terms for the items already stored, read column by column so later models do not matter."""
    from talkzone import callbacks_due, search_terms
    from talkzone.models import Json, Submission

    items = sa.table("submissions", sa.column("id", sa.Integer), sa.column("reference", sa.String),
                     sa.column("kind", sa.String), sa.column("answers", Json), sa.column("contact", Json),
                     sa.column("subject_name", sa.String), sa.column("postcode", sa.String),
                     sa.column("phone", sa.String), sa.column("email", sa.String))
    session = Session(bind=op.get_bind())
    last = 0
    while rows := session.execute(sa.select(items).where(items.c.id > last).order_by(items.c.id)
                                  .limit(BATCH)).mappings().all():
        batch = [Submission(**row) for row in rows]
        search_terms.refill(session, batch)
        callbacks_due.refill(session, batch)
        last = rows[-1]["id"]
    session.close()


def downgrade() -> None:
    op.drop_column("callback_attempts", "method")
    for column in ("safeguarding_at", "safeguarding_by_id", "safeguarding_reason"):
        op.drop_column("submissions", column)
    op.drop_index(op.f("ix_callback_windows_submission_id"), table_name="callback_windows")
    op.drop_index("ix_callback_windows_open", table_name="callback_windows")
    op.drop_table("callback_windows")
    op.drop_index("ix_search_terms_term", table_name="search_terms")
    op.drop_table("search_terms")
