"""request and plan history: request_change (edits of a request) and plan_change (TA plan changes)

Revision ID: r20261129_d1_record_history
Revises: r20261129_d1_queue_saved_views
Create Date: 2026-11-29 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261129_d1_record_history"
down_revision = "r20261129_d1_queue_saved_views"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "request_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ta_request_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_request_change_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["ta_request_id"],
            ["ta_request.id"],
            name=op.f("fk_request_change_ta_request_id_ta_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_change")),
    )
    op.create_index("ix_request_change_request_time", "request_change", ["ta_request_id", "created_at"])
    op.create_table(
        "plan_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ta_request_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_plan_change_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["ta_request_id"],
            ["ta_request.id"],
            name=op.f("fk_plan_change_ta_request_id_ta_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_change")),
    )
    op.create_index("ix_plan_change_request_time", "plan_change", ["ta_request_id", "created_at"])


def downgrade():
    op.drop_index("ix_plan_change_request_time", table_name="plan_change")
    op.drop_table("plan_change")
    op.drop_index("ix_request_change_request_time", table_name="request_change")
    op.drop_table("request_change")
