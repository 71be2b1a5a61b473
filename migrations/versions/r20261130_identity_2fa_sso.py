"""identity: TOTP credentials, recovery codes, passkeys, SSO links, the center's identity settings

Revision ID: r20261130_identity_2fa_sso
Revises: r20261129_passwords_reset
Create Date: 2026-11-30 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'r20261130_identity_2fa_sso'
down_revision = 'r20261129_passwords_reset'
branch_labels = None
depends_on = None


def _user_fk(table):
    return sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f(f'fk_{table}_user_id_user_account'))


def upgrade():
    op.create_table(
        'totp_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _user_fk('totp_credential'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_totp_credential')),
        sa.UniqueConstraint('user_id', name=op.f('uq_totp_credential_user_id')),
    )
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _user_fk('recovery_code'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash')),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)
    op.create_table(
        'passkey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=512), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        _user_fk('passkey'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_passkey')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_passkey_credential_id')),
    )
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_user_id'), ['user_id'], unique=False)
    op.create_table(
        'sso_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        _user_fk('sso_identity'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identity')),
        sa.UniqueConstraint('provider', 'subject', name='uq_sso_identity_provider_subject'),
    )
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identity_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('center_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_sso_for_staff', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column('require_two_factor_for_all', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('center_settings', schema=None) as batch_op:
        batch_op.drop_column('require_two_factor_for_all')
        batch_op.drop_column('require_sso_for_staff')
    for table in ('sso_identity', 'passkey', 'recovery_code'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_user_id'))
        op.drop_table(table)
    op.drop_table('totp_credential')
