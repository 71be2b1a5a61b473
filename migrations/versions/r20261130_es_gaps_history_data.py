"""es-gaps: TA plan changes and request edits kept as data, put into words in the reader's language

plan_change gains `detail` (the goal's or activity's words) and `status` (the new status's code);
`action` becomes a code (goal_added, step_added, step_status). request_change keeps its columns but
holds the field's name and coded values (tier, urgency and mode codes, ISO dates, "" for none)
instead of their English labels. Rows written before are converted both ways.

Revision ID: r20261130_es_gaps_history_data
Revises: 0011_es_user_locale
Create Date: 2026-11-30 00:30:00

"""

import re
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "r20261130_es_gaps_history_data"
down_revision = "0011_es_user_locale"
branch_labels = None
depends_on = None

# Frozen copies (a migration must not follow later edits of the app's vocabularies).
FIELDS = {
    "title": "Title",
    "description": "Description",
    "topic_ids": "Topics",
    "tier": "Kind of help",
    "urgency": "Urgency",
    "program_id": "Grant program",
    "state": "State or territory",
    "needed_by": "Needed by",
    "preferred_mode": "Preferred way",
}
CODES = {
    "tier": {"universal": "Universal", "targeted": "Targeted", "intensive": "Intensive"},
    "urgency": {"routine": "Routine", "soon": "Within a few weeks", "urgent": "Urgent"},
    "preferred_mode": {
        "virtual_meeting": "Virtual meeting",
        "phone_email": "Phone or email consultation",
        "on_site": "On-site visit",
        "webinar_training": "Webinar or training",
        "peer_learning": "Peer learning community",
        "resource_referral": "Resource referral",
    },
}
STATUSES = {"planned": "planned", "in_progress": "in progress", "done": "done", "dropped": "dropped"}
STATUS_CODES = {text: code for code, text in STATUSES.items()}
PLAN_TEXT = [
    ("goal_added", re.compile(r"^added the goal “(.*)”$", re.S)),
    ("step_added", re.compile(r"^planned “(.*)”$", re.S)),
    ("step_status", re.compile(r"^marked “(.*)” (planned|in progress|done|dropped)$", re.S)),
]

plan_change = sa.table(
    "plan_change",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("detail", sa.Text),
    sa.column("status", sa.String),
)
request_change = sa.table(
    "request_change",
    sa.column("id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("old_value", sa.Text),
    sa.column("new_value", sa.Text),
)


def _value_as_data(field: str, shown: str) -> str:
    if shown == "None":
        return ""
    if field in CODES:
        return {label: code for code, label in CODES[field].items()}.get(shown, shown)
    if field == "needed_by":
        try:
            return datetime.strptime(shown, "%b %d, %Y").date().isoformat()
        except ValueError:
            return shown
    return shown


def _value_as_text(field: str, kept: str) -> str:
    if kept == "":
        return "None"
    if field in CODES:
        return CODES[field].get(kept, kept)
    if field == "needed_by":
        try:
            return date.fromisoformat(kept).strftime("%b %-d, %Y")
        except ValueError:
            return kept
    return kept


def upgrade():
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=True))
    bind = op.get_bind()
    for row_id, action in bind.execute(sa.select(plan_change.c.id, plan_change.c.action)).all():
        for code, pattern in PLAN_TEXT:
            match = pattern.match(action)
            if match:
                status = STATUS_CODES[match.group(2)] if code == "step_status" else None
                bind.execute(
                    plan_change.update()
                    .where(plan_change.c.id == row_id)
                    .values(action=code, detail=match.group(1), status=status)
                )
                break
    names = {label: name for name, label in FIELDS.items()}
    rows = bind.execute(sa.select(request_change.c.id, request_change.c.field, request_change.c.old_value,
                                  request_change.c.new_value)).all()  # fmt: skip
    for row_id, label, old, new in rows:
        field = names.get(label, label)
        bind.execute(
            request_change.update()
            .where(request_change.c.id == row_id)
            .values(field=field, old_value=_value_as_data(field, old), new_value=_value_as_data(field, new))
        )


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(request_change.c.id, request_change.c.field, request_change.c.old_value,
                                  request_change.c.new_value)).all()  # fmt: skip
    for row_id, field, old, new in rows:
        bind.execute(
            request_change.update()
            .where(request_change.c.id == row_id)
            .values(field=FIELDS.get(field, field), old_value=_value_as_text(field, old),
                    new_value=_value_as_text(field, new))
        )  # fmt: skip
    texts = {
        "goal_added": "added the goal “{detail}”",
        "step_added": "planned “{detail}”",
        "step_status": "marked “{detail}” {status}",
    }
    rows = bind.execute(sa.select(plan_change.c.id, plan_change.c.action, plan_change.c.detail,
                                  plan_change.c.status)).all()  # fmt: skip
    for row_id, action, detail, status in rows:
        if action in texts:
            text = texts[action].format(detail=detail, status=STATUSES.get(status or "", status or ""))
            bind.execute(plan_change.update().where(plan_change.c.id == row_id).values(action=text[:300]))
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.drop_column("status")
        batch_op.drop_column("detail")
