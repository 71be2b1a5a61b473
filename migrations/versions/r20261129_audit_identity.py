"""audit log (hash-chained events, chain head, archive checkpoints); session devices; account lifecycle

Revision ID: r20261129_audit_identity
Revises: 0010_mailin
Create Date: 2026-11-29 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r20261129_audit_identity"
down_revision = "0010_mailin"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("object_type", sa.String(length=48), nullable=False),
        sa.Column("object_ref", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index("ix_audit_event_occurred", "audit_event", ["occurred_at"])
    op.create_index("ix_audit_event_actor_time", "audit_event", ["actor_id", "occurred_at"])
    op.create_index("ix_audit_event_action_time", "audit_event", ["action", "occurred_at"])
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("through_event_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("before", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_archive")),
    )
    with op.batch_alter_table("login_session") as batch:
        batch.add_column(sa.Column("user_agent", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("address", sa.String(length=45), nullable=False, server_default=""))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("inactivity_warned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("inactivity_warned_at")
        batch.drop_column("last_sign_in_at")
    with op.batch_alter_table("login_session") as batch:
        batch.drop_column("address")
        batch.drop_column("user_agent")
    op.drop_table("audit_archive")
    op.drop_table("audit_chain_head")
    op.drop_index("ix_audit_event_action_time", table_name="audit_event")
    op.drop_index("ix_audit_event_actor_time", table_name="audit_event")
    op.drop_index("ix_audit_event_occurred", table_name="audit_event")
    op.drop_table("audit_event")
