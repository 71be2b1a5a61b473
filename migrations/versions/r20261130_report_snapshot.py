"""report_snapshot: the worker's copy of the default dashboard and reports

Revision ID: r20261130_report_snapshot
Revises: r20261201_outcomes_surveys
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "r20261130_report_snapshot"
down_revision = "r20261130_identity2_totp_enc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_snapshot",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_snapshot")),
    )


def downgrade():
    op.drop_table("report_snapshot")
