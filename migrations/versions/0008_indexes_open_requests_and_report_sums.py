"""indexes: open requests for the queue; covering ones for the reports' sums

Revision ID: 0008_open_index
Revises: 0007_reports
Create Date: 2026-11-25 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_indexes'
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
    op.create_index('ix_ta_request_assigned', 'ta_request', ['assigned_at', 'assignee_id'], unique=False)
    op.create_index(
        'ix_ta_activity_date_figures',
        'ta_activity',
        ['activity_date', 'staff_id', 'mode', 'hours', 'deleted_at'],
        unique=False,
    )
    op.drop_index('ix_ta_activity_date', table_name='ta_activity')


def downgrade():
    op.create_index('ix_ta_activity_date', 'ta_activity', ['activity_date'], unique=False)
    op.drop_index('ix_ta_activity_date_figures', table_name='ta_activity')
    op.drop_index('ix_ta_request_assigned', table_name='ta_request')
    op.drop_index('ix_ta_request_open_submitted', table_name='ta_request')
