"""mailin: inbound_message (each received email once) and the outbox's request and recipient

Revision ID: 0010_mailin
Revises: 0009_registry
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0010_mailin'
down_revision = '0009_registry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mail_key', sa.String(length=255), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachment_names', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('ta_request_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sorted_by_id', sa.Integer(), nullable=True),
        sa.Column('sorted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_inbound_message_message_id_message'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['sorted_by_id'], ['user_account.id'], name=op.f('fk_inbound_message_sorted_by_id_user_account')),
        sa.ForeignKeyConstraint(['ta_request_id'], ['ta_request.id'], name=op.f('fk_inbound_message_ta_request_id_ta_request'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_inbound_message_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
        sa.UniqueConstraint('mail_key', name=op.f('uq_inbound_message_mail_key')),
    )
    op.create_index('ix_inbound_message_sender_received', 'inbound_message', ['sender', 'received_at'], unique=False)
    op.create_index('ix_inbound_message_status_received', 'inbound_message', ['status', 'received_at'], unique=False)
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ta_request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_email_outbox_ta_request_id_ta_request'), 'ta_request', ['ta_request_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_email_outbox_recipient_id_user_account'), 'user_account', ['recipient_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_email_outbox_recipient_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_email_outbox_ta_request_id_ta_request'), type_='foreignkey')
        batch_op.drop_column('recipient_id')
        batch_op.drop_column('ta_request_id')
    op.drop_index('ix_inbound_message_status_received', table_name='inbound_message')
    op.drop_index('ix_inbound_message_sender_received', table_name='inbound_message')
    op.drop_table('inbound_message')
