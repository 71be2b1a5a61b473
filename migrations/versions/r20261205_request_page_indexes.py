"""Indexes for the request page's "who was told": a request's notifications and each
notification's email (both grow with history; the page read them by scanning).

Revision ID: r20261205_request_page_indexes
Revises: r20261204_catalog_version
Create Date: 2026-11-30 10:00:00

"""

from alembic import op

revision = "r20261205_request_page_indexes"
down_revision = "r20261204_catalog_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_request", "notification", ["ta_request_id"])
    op.create_index("ix_email_outbox_notification", "email_outbox", ["notification_id"])


def downgrade():
    op.drop_index("ix_email_outbox_notification", table_name="email_outbox")
    op.drop_index("ix_notification_request", table_name="notification")
