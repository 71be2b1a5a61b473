"""Marshmallow schemas of the requests resource: what the API reads and writes.

Enumerations come from the same vocabularies as the forms (tacenter.vocab, workflow.rules),
so a value the pages refuse the API refuses too (422, with a message per field).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tacenter.vocab import STATES, DeliveryMode, GoalMet, OrgType, Tier, Urgency
from tacenter.workflow.forms import DUE, SORTS
from tacenter.workflow.rules import Stage


def one_of(enum_or_values) -> validate.OneOf:
    return validate.OneOf([getattr(v, "value", v) for v in enum_or_values])


TEXT = validate.Length(max=5000)
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Text may not contain a NUL character.")


class Ref(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class RequestSchema(Schema):
    """A TA request as its reader may see it (never an internal note)."""

    reference = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    desired_outcome = fields.String(required=True)
    stage = fields.String(required=True, validate=one_of(Stage))
    state = fields.String(required=True)
    tier = fields.String(required=True)
    urgency = fields.String(required=True)
    preferred_mode = fields.String(required=True)
    needed_by = fields.Date(required=True, allow_none=True)
    submitted_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a change: a stale one gets 409."}
    )
    organization = fields.Nested(Ref, required=True)
    requester = fields.Nested(Ref, required=True)
    assignee = fields.Nested(Ref, required=True, allow_none=True)
    program = fields.Nested(Ref, required=True, allow_none=True)
    topics = fields.List(fields.Nested(Ref), required=True)
    grant_id = fields.Integer(required=True, allow_none=True)
    goal_met = fields.String(required=True, allow_none=True)
    outcome_summary = fields.String(required=True)
    closing_reason = fields.String(required=True)
    referred_to = fields.String(required=True)


class RequestPageSchema(Schema):
    items = fields.List(fields.Nested(RequestSchema), required=True)
    next_cursor = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null at the end."},
    )


class RequestListArgs(Schema):
    """The queue's filters (workflow.queries.QueueFilters), its sorts, and a cursor."""

    q = fields.String(validate=[validate.Length(max=200), NO_NUL])
    stage = fields.String(
        validate=one_of(["all", *Stage]),
        metadata={"description": "Omitted: any open stage. `all`: any stage."},
    )
    topic = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    state = fields.String(validate=one_of(STATES))
    program = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    assignee = fields.String(
        validate=validate.Regexp(r"^(none|me|[1-9][0-9]{0,9})$"),
        metadata={"description": "A staff member's id, `none` (unassigned) or `me`."},
    )
    sort = fields.String(load_default="oldest", validate=one_of(SORTS))
    tier = fields.String(validate=one_of(Tier))
    org_type = fields.String(validate=one_of(OrgType))
    urgency = fields.String(validate=one_of(Urgency))
    due = fields.String(validate=one_of(DUE))
    submitted_from = fields.Date()
    submitted_to = fields.Date()
    finished_from = fields.Date()
    finished_to = fields.Date()
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class RequestCreateSchema(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), NO_NUL])
    description = fields.String(required=True, validate=[validate.Length(min=1, max=5000), NO_NUL])
    desired_outcome = fields.String(load_default="", validate=[TEXT, NO_NUL])
    topic_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
        required=True,
        validate=validate.Length(min=1, max=20),
    )
    state = fields.String(required=True, validate=one_of(STATES))
    tier = fields.String(load_default=Tier.TARGETED.value, validate=one_of(Tier))
    urgency = fields.String(load_default=Urgency.ROUTINE.value, validate=one_of(Urgency))
    preferred_mode = fields.String(
        load_default=DeliveryMode.VIRTUAL_MEETING.value, validate=one_of(DeliveryMode)
    )
    program_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )
    needed_by = fields.Date(load_default=None, allow_none=True)
    grant_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )
    submission_token = fields.String(
        load_default=None,
        validate=validate.Length(min=8, max=64),
        metadata={"description": "An idempotency key: the same one sent twice makes one request."},
    )


class RequestEditSchema(Schema):
    """Any of the editable fields; the others keep their values. `version` is required."""

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = fields.String(validate=[validate.Length(min=1, max=200), NO_NUL])
    description = fields.String(validate=[validate.Length(min=1, max=5000), NO_NUL])
    topic_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), validate=validate.Length(min=1, max=20)
    )
    tier = fields.String(validate=one_of(Tier))
    urgency = fields.String(validate=one_of(Urgency))
    state = fields.String(validate=one_of(STATES))
    preferred_mode = fields.String(validate=one_of(DeliveryMode))
    program_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    needed_by = fields.Date(allow_none=True)


class StageMoveSchema(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    target = fields.String(required=True, validate=one_of(Stage))
    note = fields.String(load_default="", validate=[TEXT, NO_NUL])
    goal_met = fields.String(validate=one_of(GoalMet), metadata={"description": "Required to close."})
    outcome_summary = fields.String(validate=[TEXT, NO_NUL], metadata={"description": "Required to close."})
    referred_to = fields.String(
        validate=[validate.Length(max=200), NO_NUL], metadata={"description": "Required to refer."}
    )


class AssignSchema(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    assignee_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    note = fields.String(load_default="", validate=[TEXT, NO_NUL])


class MessageInSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=20000), NO_NUL])


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    body = fields.String(required=True)
    author = fields.Nested(Ref, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class ActivityInSchema(Schema):
    activity_date = fields.Date(required=True)
    hours = fields.Decimal(
        required=True, as_string=True, places=2, metadata={"description": "Quarter-hours: 0.25 to 24."}
    )
    mode = fields.String(required=True, validate=one_of(DeliveryMode))
    participant_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    participant_roles = fields.String(load_default="", validate=[validate.Length(max=300), NO_NUL])
    note = fields.String(load_default="", validate=[TEXT, NO_NUL])
    topic_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    activity_date = fields.Date(required=True)
    hours = fields.Decimal(required=True, as_string=True)
    mode = fields.String(required=True)
    participant_count = fields.Integer(required=True)
    participant_roles = fields.String(required=True)
    note = fields.String(required=True)
    topics = fields.List(fields.Nested(Ref), required=True)
