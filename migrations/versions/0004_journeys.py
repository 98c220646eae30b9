"""drafts: one token per browser session, a draft per journey under it

Revision ID: 0004_journeys
Revises: 0003
Create Date: 2026-12-02 04:45:00
"""

from alembic import op

revision = "0004_journeys"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing tokens are unique, so every row already fits the wider key.
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint("pk_drafts", type_="primary")
        batch_op.create_primary_key("pk_drafts", ["token", "journey"])


def downgrade() -> None:
    # The narrower key holds one draft per token: keep each token's latest.
    op.execute(
        "DELETE FROM drafts WHERE EXISTS (SELECT 1 FROM drafts AS later"
        " WHERE later.token = drafts.token AND (later.updated_at > drafts.updated_at"
        " OR (later.updated_at = drafts.updated_at AND later.journey > drafts.journey)))"
    )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint("pk_drafts", type_="primary")
        batch_op.create_primary_key("pk_drafts", ["token"])
