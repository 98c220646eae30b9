"""repeat contacts: links between items, merges of duplicates, flags on a person; name and date of birth terms

Revision ID: 0013_repeat
Revises: 0012_reports
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

import talkzone.models

revision = "0013_repeat"
down_revision = "0012_reports"
branch_labels = None
depends_on = None

BATCH = 1000
_TERM = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    when = talkzone.models.UTCDateTime()
    op.create_table(
        "item_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", when, nullable=False),
        _fk("item_links", "first_id", "submissions"), _fk("item_links", "second_id", "submissions"),
        _fk("item_links", "by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_links")),
        sa.UniqueConstraint("first_id", "second_id", name="uq_item_links_pair"),
    )
    op.create_index(op.f("ix_item_links_first_id"), "item_links", ["first_id"])
    op.create_index(op.f("ix_item_links_second_id"), "item_links", ["second_id"])
    op.create_table(
        "item_merges",
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", when, nullable=False),
        _fk("item_merges", "duplicate_id", "submissions"), _fk("item_merges", "original_id", "submissions"),
        _fk("item_merges", "by_id", "users"),
        sa.PrimaryKeyConstraint("duplicate_id", name=op.f("pk_item_merges")),
    )
    op.create_index(op.f("ix_item_merges_original_id"), "item_merges", ["original_id"])
    op.create_table(
        "person_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", when, nullable=False),
        sa.Column("removed_at", when, nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        _fk("person_flags", "submission_id", "submissions"), _fk("person_flags", "by_id", "users"),
        _fk("person_flags", "removed_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_flags")),
    )
    op.create_table(
        "person_flag_keys",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("key", _TERM, nullable=False),
        _fk("person_flag_keys", "flag_id", "person_flags"),
        sa.PrimaryKeyConstraint("flag_id", "key", name=op.f("pk_person_flag_keys")),
    )
    op.create_index("ix_person_flag_keys_key", "person_flag_keys", ["key", "flag_id"])
    _backfill()


def _backfill() -> None:
    """Name and date of birth terms for the requests for support already stored."""
    from talkzone import search_terms
    from talkzone.models import Json, Submission

    items = sa.table("submissions", sa.column("id", sa.Integer), sa.column("reference", sa.String),
                     sa.column("kind", sa.String), sa.column("answers", Json), sa.column("contact", Json),
                     sa.column("subject_name", sa.String), sa.column("postcode", sa.String),
                     sa.column("phone", sa.String), sa.column("email", sa.String))
    session = Session(bind=op.get_bind())
    last = 0
    while rows := session.execute(sa.select(items).where(items.c.id > last, items.c.kind == "request_for_support")
                                  .order_by(items.c.id).limit(BATCH)).mappings().all():
        search_terms.refill(session, [Submission(**row) for row in rows])
        last = rows[-1]["id"]
    session.close()


def downgrade() -> None:
    op.execute("DELETE FROM search_terms WHERE term LIKE 'b:%'")
    op.drop_index("ix_person_flag_keys_key", table_name="person_flag_keys")
    op.drop_table("person_flag_keys")
    op.drop_table("person_flags")
    op.drop_index(op.f("ix_item_merges_original_id"), table_name="item_merges")
    op.drop_table("item_merges")
    op.drop_index(op.f("ix_item_links_second_id"), table_name="item_links")
    op.drop_index(op.f("ix_item_links_first_id"), table_name="item_links")
    op.drop_table("item_links")
