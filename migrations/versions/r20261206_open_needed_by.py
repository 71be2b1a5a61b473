"""An index of the open requests by needed-by date: the saved views "due this week" and
"overdue" filter and sort on it, and scanned every request (50,000 in the bench) without it.

Revision ID: r20261206_open_needed_by
Revises: r20261205_request_page_indexes
Create Date: 2026-12-01 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261206_open_needed_by"
down_revision = "r20261205_request_page_indexes"
branch_labels = None
depends_on = None

# The open stages as of this revision (a migration keeps its own copy: it must not change
# when the code does). The same literals as the model's, so a planner can match them.
OPEN_PREDICATE = (
    "stage IN ('assigned', 'delivered', 'in_progress', 'submitted', 'triage', 'waiting_on_requester')"
)


def upgrade():
    op.create_index(
        "ix_ta_request_open_needed_by",
        "ta_request",
        ["needed_by", "id"],
        sqlite_where=sa.text(OPEN_PREDICATE),
        postgresql_where=sa.text(OPEN_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_ta_request_open_needed_by", table_name="ta_request")
