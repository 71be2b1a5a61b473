"""Follow-ups after an event is delivered: a follow_up row may be about an event and one contact
(exactly once per event, contact and window).

Revision ID: r20261203_event_follow_ups
Revises: r20261202_event_surveys
Create Date: 2026-11-30 03:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261203_event_follow_ups"
down_revision = "r20261202_event_surveys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("follow_up") as batch:
        batch.alter_column("ta_request_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_follow_up_event_id_event", "event", ["event_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_follow_up_contact_id_user_account", "user_account", ["contact_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint(
            "uq_follow_up_event_contact_window", ["event_id", "contact_id", "window_days"]
        )


def downgrade():
    op.execute("DELETE FROM follow_up WHERE event_id IS NOT NULL")
    with op.batch_alter_table("follow_up") as batch:
        batch.drop_constraint("uq_follow_up_event_contact_window", type_="unique")
        batch.drop_constraint("fk_follow_up_contact_id_user_account", type_="foreignkey")
        batch.drop_constraint("fk_follow_up_event_id_event", type_="foreignkey")
        batch.drop_column("contact_id")
        batch.drop_column("event_id")
        batch.alter_column("ta_request_id", existing_type=sa.Integer(), nullable=False)
