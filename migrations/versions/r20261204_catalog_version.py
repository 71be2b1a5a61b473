"""catalog_version: one row whose token changes with every edit of the lists web processes
keep copies of (tacenter/catalog/cache.py); email_outbox rows the worker renders at delivery
(render_at_delivery, in the recipient's locale).

Revision ID: r20261204_catalog_version
Revises: r20261204_follow_up_evidence
Create Date: 2026-11-30 06:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "r20261204_catalog_version"
down_revision = "r20261204_follow_up_evidence"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(8)}])
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(
            sa.Column("render_at_delivery", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_column("locale")
        batch.drop_column("render_at_delivery")
    op.drop_table("catalog_version")
