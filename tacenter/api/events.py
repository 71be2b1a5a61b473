"""/api/v1/events: group TA events and their attendance (docs/group-ta.md).

Reads start from group_ta.permissions.visible_events (through queries.events_for and
services.get_visible_event); writes call the group_ta services the event pages call, so the
API can neither see nor do more than the pages. A requester reads the events their organization
attended (or whose collaborative it belongs to), with only their own organization's attendance.
"""

from __future__ import annotations

import dataclasses

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from tacenter.api.access import allow, anyone
from tacenter.api.schemas import NO_NUL, TEXT, Ref, one_of
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.group_ta import queries, services
from tacenter.group_ta.vocab import LANGUAGES, MAX_PARTICIPANTS, EventMode, EventType
from tacenter.reports.periods import parse_period
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import STAFF_SIDE, Role, Tier

bp = Blueprint("api_events", __name__, url_prefix="/api/v1/events", description="Group TA events")

PLANNERS = (Role.STAFF, Role.LEAD, Role.ADMIN)
ID = validate.Range(min=1, max=2**31 - 1)
VERSION = fields.Integer(
    required=True,
    validate=ID,
    metadata={"description": "The event's `version` you read: a stale one gets 409."},
)


class AttendanceSchema(Schema):
    organization = fields.Nested(Ref, required=True)
    participant_count = fields.Integer(required=True)
    roles = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


class EventSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    event_type = fields.String(required=True, validate=one_of(EventType))
    tier = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "planned, delivered or cancelled."})
    language = fields.String(required=True)
    mode = fields.String(required=True)
    in_person_count = fields.Integer(required=True)
    virtual_count = fields.Integer(required=True)
    event_date = fields.Date(required=True)
    start_time = fields.Time(required=True, allow_none=True)
    duration_hours = fields.Decimal(
        required=True, as_string=True, metadata={"type": "string", "description": 'Hours, e.g. "1.50".'}
    )
    non_grantee_count = fields.Integer(required=True)
    owner = fields.Nested(Ref, required=True)
    facilitators = fields.List(fields.Nested(Ref), required=True)
    topics = fields.List(fields.Nested(Ref), required=True)
    collaborative_id = fields.Integer(required=True, allow_none=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    version = fields.Integer(required=True)
    attendance = fields.List(
        fields.Nested(AttendanceSchema),
        required=True,
        metadata={"description": "Per organization (a requester sees only their organization's)."},
    )


class EventListArgs(Schema):
    type = fields.String(validate=one_of(EventType))
    topic = fields.Integer(validate=ID)
    facilitator = fields.Integer(validate=ID)
    period = fields.String(
        validate=validate.Regexp(
            r"^(fy20[0-9]{2}(q[1-4])?|custom)$", error="Use fy2026, fy2026q1 … or custom."
        ),
        metadata={
            "description": "A fiscal year or quarter (fy2026, fy2026q1), or `custom` with start and end."
        },
    )
    start = fields.Date()
    end = fields.Date()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))


class EventInSchema(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), NO_NUL])
    event_type = fields.String(required=True, validate=one_of(EventType))
    tier = fields.String(
        required=True,
        validate=one_of(Tier),
        metadata={"description": "universal or targeted; intensive for a collaborative's sessions."},
    )
    event_date = fields.Date(required=True)
    duration_hours = fields.Decimal(
        required=True, as_string=True, places=2, metadata={"description": "Quarter-hours: 0.25 to 24."}
    )
    facilitator_ids = fields.List(fields.Integer(validate=ID), required=True, validate=validate.Length(1, 20))
    owner_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    topic_ids = fields.List(fields.Integer(validate=ID), load_default=list, validate=validate.Length(max=20))
    language = fields.String(load_default="en", validate=one_of(LANGUAGES))
    mode = fields.String(load_default=EventMode.VIRTUAL.value, validate=one_of(EventMode))
    in_person_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    virtual_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    start_time = fields.Time(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=[TEXT, NO_NUL])
    non_grantee_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    collaborative_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class EventEditSchema(EventInSchema):
    """Any of the event's fields (the others keep their values); `version` is required."""

    version = VERSION


EDITABLE = tuple(name for name in EventInSchema._declared_fields)


class AttendanceInSchema(Schema):
    version = VERSION
    organization_id = fields.Integer(required=True, validate=ID)
    participant_count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_PARTICIPANTS))
    roles = fields.String(load_default="", validate=[validate.Length(max=300), NO_NUL])
    replace = fields.Boolean(
        load_default=False, metadata={"description": "Change the organization's recorded attendance."}
    )


class VersionSchema(Schema):
    version = VERSION


def _event_id(event_id: int) -> int:
    if event_id >= 2**31:  # beyond any id: PostgreSQL would refuse the integer
        raise NotFound("There is no such event.")
    return event_id


def _today():
    return local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])


def _out(event) -> dict:
    rows = queries.attendance_of(event.id)
    if current_user.role_enum not in STAFF_SIDE:
        rows = [a for a in rows if a.organization_id == current_user.organization_id]
    data = {
        f: getattr(event, f) for f in EventSchema._declared_fields if f not in ("attendance", "facilitators")
    }
    data["facilitators"] = [f.user for f in event.facilitators]
    data["attendance"] = rows
    return data


@bp.route("")
@anyone
@bp.arguments(EventListArgs, location="query", as_kwargs=True, unknown=RAISE)
@bp.response(200, EventSchema(many=True))
def list_events(limit: int = 100, period: str | None = None, start=None, end=None, **args):
    """The events you may see, newest first (at most `limit`), by type, topic, facilitator and
    period. Requesters see the events their organization attended or whose collaborative it is in."""
    if period:
        found, error = parse_period(
            period, start.isoformat() if start else "", end.isoformat() if end else "", today=_today()
        )
        if error:
            raise DomainError(error)
        start, end = found.start, found.end
    filters = queries.EventFilters(
        event_type=args.get("type", ""), topic=args.get("topic"), facilitator=args.get("facilitator"),
        start=start, end=end,
    )  # fmt: skip
    return [_out(e) for e in queries.events_for(current_user, filters, limit=limit)]


def _values(data: dict) -> services.EventValues:
    names = {f.name for f in dataclasses.fields(services.EventValues)}
    return services.EventValues(**{k: v for k, v in data.items() if k in names})


@bp.route("", methods=["POST"])
@allow(*PLANNERS)
@bp.arguments(EventInSchema)
@bp.response(201, EventSchema)
def create_event(data: dict):
    """Plan an event (TA staff, leads, admins); it starts planned."""
    return _out(services.create_event(_values(data), actor=current_user))


@bp.route("/<int:event_id>")
@anyone
@bp.response(200, EventSchema)
def get_event(event_id: int):
    """One event, if you may see it (404 otherwise, as on the pages)."""
    return _out(services.get_visible_event(_event_id(event_id), actor=current_user))


@bp.route("/<int:event_id>", methods=["PATCH"])
@allow(*PLANNERS)
@bp.arguments(EventEditSchema(partial=EDITABLE))
@bp.response(200, EventSchema)
def update_event(data: dict, event_id: int):
    """Change an event (its facilitators, leads and admins). A stale `version` is a 409."""
    event = services.get_visible_event(_event_id(event_id), actor=current_user)
    current = {f.name: getattr(event, f.name, None) for f in dataclasses.fields(services.EventValues)}
    current["facilitator_ids"] = [f.user_id for f in event.facilitators]
    current["topic_ids"] = [t.id for t in event.topics]
    version = data.pop("version")
    values = dataclasses.replace(_values(current), **{k: v for k, v in data.items() if k in current})
    return _out(services.update_event(event.id, values, version=version, actor=current_user))


@bp.route("/<int:event_id>/attendance", methods=["POST"])
@allow(*PLANNERS)
@bp.arguments(AttendanceInSchema)
@bp.response(201, AttendanceSchema)
def record_attendance(data: dict, event_id: int):
    """Record one organization's attendance (once per organization; `replace` to change it)."""
    return services.record_attendance(
        _event_id(event_id),
        data["organization_id"],
        data["participant_count"],
        data["roles"],
        version=data["version"],
        actor=current_user,
        replace=data["replace"],
    )


@bp.route("/<int:event_id>/delivered", methods=["POST"])
@allow(*PLANNERS)
@bp.arguments(VersionSchema)
@bp.response(200, EventSchema)
def mark_delivered(data: dict, event_id: int):
    """Record that a planned event took place (not one dated in the future): it then counts in
    every report, and `event.delivered` webhooks are sent."""
    event = services.mark_delivered(
        _event_id(event_id), version=data["version"], actor=current_user, today=_today()
    )
    return _out(event)
