"""A file as a follow-up's evidence: an attachment may belong to a follow-up answer (and, when the
follow-up is about an event, to no request).

Revision ID: r20261204_follow_up_evidence
Revises: r20261203_event_follow_ups
Create Date: 2026-11-30 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261204_follow_up_evidence"
down_revision = "r20261203_event_follow_ups"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachment") as batch:
        batch.alter_column("ta_request_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("follow_up_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_attachment_follow_up_id_follow_up", "follow_up", ["follow_up_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_attachment_follow_up", ["follow_up_id"], unique=False)


def downgrade():
    # An event follow-up's evidence has no request to stay on; its rows go (the files stay on disk).
    op.execute("DELETE FROM attachment WHERE ta_request_id IS NULL")
    with op.batch_alter_table("attachment") as batch:
        batch.drop_index("ix_attachment_follow_up")
        batch.drop_constraint("fk_attachment_follow_up_id_follow_up", type_="foreignkey")
        batch.drop_column("follow_up_id")
        batch.alter_column("ta_request_id", existing_type=sa.Integer(), nullable=False)
