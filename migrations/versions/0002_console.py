"""staff console: server-side sessions, recovery codes, notes, callback attempts, inbox indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:10:00
"""

import sqlalchemy as sa
from alembic import op

import talkzone.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Search runs on these expressions; PostgreSQL needs text_pattern_ops for a LIKE 'x%' prefix.
# The name index also carries what the scope and the sort need, so a broad name search is
# answered from the index alone before the page's rows are fetched.
EXPRESSION_INDEXES = {
    "ix_submissions_name_search": ("lower(subject_name)", True),
    "ix_submissions_phone_search": ("replace(phone, ' ', '')", False),
    "ix_submissions_email_search": ("lower(email)", False),
}
PG_INCLUDE = {"ix_submissions_name_search": "subject_name, kind, area_code, safeguarding, created_at, id"}


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_confirmed", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("password_changed_at", talkzone.models.UTCDateTime(), nullable=True))

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("created_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", talkzone.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"])

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", talkzone.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_notes_author_id_users")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_notes_submission_id_submissions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(op.f("ix_notes_submission_id"), "notes", ["submission_id"])

    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", talkzone.models.UTCDateTime(), nullable=False),
        sa.Column("result", sa.String(length=30), nullable=False),
        sa.Column("outside_safe_window", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_callback_attempts_actor_id_users")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_callback_attempts_submission_id_submissions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
    )
    op.create_index(op.f("ix_callback_attempts_submission_id"), "callback_attempts", ["submission_id"])

    op.create_index("ix_submissions_queue", "submissions", ["kind", "safeguarding", "created_at", "id"])
    op.create_index("ix_submissions_all_queue", "submissions", ["safeguarding", "created_at", "id"])
    op.create_index("ix_submissions_area_queue", "submissions",
                    ["kind", "area_code", "safeguarding", "created_at", "id"])
    op.create_index("ix_submissions_assigned", "submissions", ["assigned_to_id", "created_at"])
    op.create_index("ix_submissions_due", "submissions", ["kind", "due_on"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (expression, prefix) in EXPRESSION_INDEXES.items():
        ops = " text_pattern_ops" if postgres and prefix else ""
        include = f" INCLUDE ({PG_INCLUDE[name]})" if postgres and name in PG_INCLUDE else ""
        op.execute(f"CREATE INDEX {name} ON submissions (({expression}){ops}){include}")


def downgrade() -> None:
    for name in EXPRESSION_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for name in ("ix_submissions_due", "ix_submissions_assigned", "ix_submissions_area_queue",
                 "ix_submissions_all_queue", "ix_submissions_queue"):
        op.drop_index(name, table_name="submissions")
    for table in ("callback_attempts", "notes", "recovery_codes", "staff_sessions"):
        op.drop_table(table)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed")
