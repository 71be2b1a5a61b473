"""es: languages: the user's and the invitee's language; Spanish labels of topics and programs

Revision ID: 0011_es_user_locale
Revises: r20261129_audit_identity
Create Date: 2026-11-29 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_es_user_locale'
down_revision = 'r20261129_audit_identity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_es', sa.String(length=120), nullable=True))
    with op.batch_alter_table('grant_program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_es', sa.String(length=160), nullable=True))


def downgrade():
    with op.batch_alter_table('grant_program', schema=None) as batch_op:
        batch_op.drop_column('name_es')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_column('name_es')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locale')
