"""open requests: a partial index for the queue's default page

Revision ID: 0008_open_index
Revises: 0007_reports
Create Date: 2026-11-25 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_open_index'
down_revision = '0007_reports'
branch_labels = None
depends_on = None

# The open stages as of this revision, in workflow.rules.OPEN_VALUES' order (a migration
# keeps its own copy: it must not change when the code does).
OPEN_PREDICATE = (
    "stage IN ('assigned', 'delivered', 'in_progress', 'submitted', 'triage', 'waiting_on_requester')"
)


def upgrade():
    op.create_index(
        'ix_ta_request_open_submitted',
        'ta_request',
        ['submitted_at', 'id'],
        unique=False,
        sqlite_where=sa.text(OPEN_PREDICATE),
        postgresql_where=sa.text(OPEN_PREDICATE),
    )


def downgrade():
    op.drop_index('ix_ta_request_open_submitted', table_name='ta_request')
