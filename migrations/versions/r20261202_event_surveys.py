"""Post-event participant surveys: a submission about an event (anonymous, one per browser),
and the center's number of days an event's survey stays open.

Revision ID: r20261202_event_surveys
Revises: r20261201_api_tokens_webhooks
Create Date: 2026-11-30 03:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261202_event_surveys"
down_revision = "r20261130_report_snapshot"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_submission") as batch:
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("browser_key", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            "fk_survey_submission_event_id_event", "event", ["event_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint("uq_survey_submission_event_browser", ["event_id", "browser_key"])
    with op.batch_alter_table("center_settings") as batch:
        batch.add_column(sa.Column("event_survey_days", sa.Integer(), nullable=False, server_default="14"))


def downgrade():
    with op.batch_alter_table("center_settings") as batch:
        batch.drop_column("event_survey_days")
    op.execute("DELETE FROM survey_submission WHERE event_id IS NOT NULL")
    with op.batch_alter_table("survey_submission") as batch:
        batch.drop_constraint("uq_survey_submission_event_browser", type_="unique")
        batch.drop_constraint("fk_survey_submission_event_id_event", type_="foreignkey")
        batch.drop_column("browser_key")
        batch.drop_column("event_id")
