"""service_heartbeat: the last sign of life of each worker and beat, for /healthz

Revision ID: r20261129_d1_security_heartbeat
Revises: 0008_indexes
Create Date: 2026-11-29 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r20261129_d1_security_heartbeat'
down_revision = '0008_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_heartbeat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_heartbeat')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_service_heartbeat_kind'))
    )


def downgrade():
    op.drop_table('service_heartbeat')
