"""catalog_version: one row whose token changes with every edit of the lists web processes
keep copies of (topics, programs, grants; tacenter/catalog/cache.py).

Revision ID: r20261204_catalog_version
Revises: r20261203_event_follow_ups
Create Date: 2026-11-30 06:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "r20261204_catalog_version"
down_revision = "r20261203_event_follow_ups"
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


def downgrade():
    op.drop_table("catalog_version")
