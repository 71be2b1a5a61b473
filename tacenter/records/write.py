"""Writing checked rows, a batch at a time, in the import's one transaction (the caller commits).

Registry kinds (topics, programs, organizations, grants, users) are few and go through the
ORM; requests and activities may be tens of thousands and go in as multi-row INSERTs with
their topics and history rows, so a 50,000-row file neither takes minutes nor holds 50,000
objects in the session.
"""

from __future__ import annotations

import hashlib
import secrets

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import utcnow
from tacenter.delivery.models import ActivityHistory, TAActivity, ta_activity_topic
from tacenter.extensions import db
from tacenter.group_ta.attendance import put_attendance
from tacenter.group_ta.models import Event
from tacenter.group_ta.services import editable_event
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.records.bulk import bulk_insert, reserve_ids
from tacenter.records.validate import CHANGED, NEW, UNCHANGED, Context, Outcome
from tacenter.registry.models import Grant
from tacenter.workflow import history
from tacenter.workflow.models import Assignment, StageChange

MODELS = {"topics": Topic, "programs": GrantProgram, "organizations": Organization, "grants": Grant,
          "users": User}  # fmt: skip


def write_batch(kind: str, outcomes: list[Outcome], ctx: Context) -> None:
    """Insert the new rows of `outcomes` and update the changed ones; unchanged ones are left."""
    if kind == "requests":
        _requests([o for o in outcomes if o.status == NEW], ctx)
    elif kind == "activities":
        _activities([o for o in outcomes if o.status == NEW])
    elif kind == "attendance":
        _attendance([o for o in outcomes if o.status != UNCHANGED], ctx)
    else:
        _registry(kind, outcomes, ctx)


def _registry(kind: str, outcomes: list[Outcome], ctx: Context) -> None:
    model = MODELS[kind]
    for outcome in outcomes:
        if outcome.status == NEW:
            values = dict(outcome.values)
            if kind == "users":
                values["password_hash"] = _unusable_password(ctx)
            db.session.add(model(**values))
        elif outcome.status == CHANGED:
            record = db.session.get(model, outcome.existing_id)
            for name, value in outcome.values.items():
                if getattr(record, name) != value:
                    setattr(record, name, value)
    db.session.flush()


def _unusable_password(ctx: Context) -> str:
    """Imported people cannot sign in with a password nobody knows: a hash of a secret no one
    has (made once per import: hashing is slow on purpose)."""
    if not getattr(ctx, "password_hash", None):
        ctx.password_hash = hash_password(secrets.token_urlsafe(32))
    return ctx.password_hash


def _requests(outcomes: list[Outcome], ctx: Context) -> None:
    if not outcomes:
        return
    table = TARequest.__table__
    ids = dict(zip((o.key for o in outcomes), reserve_ids(table, len(outcomes)), strict=True))
    rows = []
    for o in outcomes:
        v = {k: val for k, val in o.values.items() if k not in ("topic_ids", "history")}
        token = "import-" + hashlib.sha256(o.key.encode()).hexdigest()[:48]
        milestones = history.imported_columns(o.values["history"], tz=ctx.tz)
        # The reference as intake makes it, when the file brings none.
        reference = v["reference"] or f"TA-{milestones['submitted_at'].year}-{ids[o.key]:04d}"
        rows.append({"id": ids[o.key], **v, **milestones, "reference": reference, "submission_token": token,
                     "version": 1})  # fmt: skip
    bulk_insert(table, rows)
    links = [{"ta_request_id": ids[o.key], "topic_id": t} for o in outcomes for t in o.values["topic_ids"]]
    bulk_insert(ta_request_topic, links)
    changes = [
        {"ta_request_id": ids[o.key], "actor_id": None, **change}
        for o in outcomes
        for change in history.imported_stage_changes(o.values["history"])
    ]
    bulk_insert(StageChange.__table__, changes)
    assignments = [
        {"ta_request_id": ids[o.key], "assignee_id": o.values["assignee_id"], "assigned_by_id": None,
         "note": history.IMPORT_NOTE,
         "assigned_at": o.values["history"].assigned_at or o.values["history"].submitted_at, "ended_at": None}
        for o in outcomes if o.values["assignee_id"]
    ]  # fmt: skip
    bulk_insert(Assignment.__table__, assignments)
    for o in outcomes:
        ctx.requests[o.key.lower()] = ids[o.key]


def _activities(outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    table = TAActivity.__table__
    ids = dict(zip((o.key for o in outcomes), reserve_ids(table, len(outcomes)), strict=True))
    bulk_insert(table, [{"id": ids[o.key], **{k: v for k, v in o.values.items() if k != "topic_ids"}}
                        for o in outcomes])  # fmt: skip
    links = [{"ta_activity_id": ids[o.key], "topic_id": t} for o in outcomes for t in o.values["topic_ids"]]
    bulk_insert(ta_activity_topic, links)
    bulk_insert(
        ActivityHistory.__table__,
        [{"ta_activity_id": ids[o.key], "ta_request_id": o.values["ta_request_id"], "actor_id": None,
          "action": "imported", "changes": ""} for o in outcomes],
    )  # fmt: skip


def _attendance(outcomes: list[Outcome], ctx: Context) -> None:
    """Through the event page's rule (group_ta.attendance), as the importing admin (the CLI,
    run by the operator, has none)."""
    actor, now = db.session.get(User, ctx.actor_id) if ctx.actor_id else None, utcnow()
    for o in outcomes:
        event_id = o.values["event_id"]
        event = editable_event(event_id, actor, None) if actor else db.session.get(Event, event_id)
        v = o.values
        put_attendance(event, v["organization_id"], v["participant_count"], v["roles"], replace=True, now=now)
    db.session.flush()
