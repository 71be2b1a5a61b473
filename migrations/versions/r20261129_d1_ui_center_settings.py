"""center settings: the center's name on funder reports

Revision ID: r20261129_d1_ui_center_settings
Revises: r20261129_d1_security_heartbeat
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r20261129_d1_ui_center_settings'
down_revision = 'r20261129_d1_security_heartbeat'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('center_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_center_settings'))
    )


def downgrade():
    op.drop_table('center_settings')
