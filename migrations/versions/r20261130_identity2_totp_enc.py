"""identity2: TOTP secrets encrypted at rest (Fernet, the application's key); existing rows encrypted

Revision ID: r20261130_identity2_totp_enc
Revises: r20261201_api_tokens_webhooks
Create Date: 2026-11-30 03:00:00

The key comes from the running app's configuration (TWO_FACTOR_ENCRYPTION_KEYS, or derived
from SECRET_KEY): run it with the production settings, as `flask db upgrade` does.
"""

from alembic import op
import sqlalchemy as sa
from flask import current_app

from tacenter.twofactor import crypto


revision = "r20261130_identity2_totp_enc"
down_revision = "r20261201_api_tokens_webhooks"
branch_labels = None
depends_on = None

TOTP = sa.table(
    "totp_credential",
    sa.column("id", sa.Integer),
    sa.column("secret", sa.String),
    sa.column("secret_encrypted", sa.String),
)


def upgrade():
    with op.batch_alter_table("totp_credential") as batch:
        batch.add_column(sa.Column("secret_encrypted", sa.String(length=255), nullable=True))
    conn = op.get_bind()
    for row_id, secret in conn.execute(sa.select(TOTP.c.id, TOTP.c.secret)).all():
        conn.execute(
            TOTP.update()
            .where(TOTP.c.id == row_id)
            .values(secret_encrypted=crypto.encrypt(secret, current_app.config))
        )
    with op.batch_alter_table("totp_credential") as batch:
        batch.alter_column("secret_encrypted", existing_type=sa.String(length=255), nullable=False)
        batch.drop_column("secret")


def downgrade():
    with op.batch_alter_table("totp_credential") as batch:
        batch.add_column(sa.Column("secret", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for row_id, token in conn.execute(sa.select(TOTP.c.id, TOTP.c.secret_encrypted)).all():
        conn.execute(
            TOTP.update().where(TOTP.c.id == row_id).values(secret=crypto.decrypt(token, current_app.config))
        )
    with op.batch_alter_table("totp_credential") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=64), nullable=False)
        batch.drop_column("secret_encrypted")
