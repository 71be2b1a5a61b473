"""saved views: named queue filters per user

Revision ID: r20261129_d1_queue_saved_views
Revises: r20261129_d1_ui_center_settings
Create Date: 2026-11-29 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r20261129_d1_queue_saved_views'
down_revision = 'r20261129_d1_ui_center_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['owner_id'], ['user_account.id'], name=op.f('fk_saved_view_owner_id_user_account'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
        sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_view_owner_id')),
    )


def downgrade():
    op.drop_table('saved_view')
