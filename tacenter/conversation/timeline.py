"""One timeline for the request page: stage changes, assignments, replies, notes, files,
activities and the survey, in time order. A fixed number of queries whatever the size,
and only what `actor` may see: internal notes, assignments and activities are staff-only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.conversation.queries import messages_for
from tacenter.delivery.models import ActivityHistory
from tacenter.delivery.queries import survey_for
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.intake.models import TARequest
from tacenter.workflow.queries import assignment_history, stage_history


@dataclass
class Entry:
    when: datetime
    kind: str  # stage, assignment, reply, note, file, activity, survey
    item: object
    files: list = field(default_factory=list)


def timeline(ta_request: TARequest, actor: User, *, survey=...) -> list[Entry]:
    """`survey`: the request's survey response (or None) when the caller has read it already."""
    staff = actor.is_staff_side
    entries = [Entry(c.created_at, "stage", c) for c in stage_history(ta_request)]
    attachments = list(
        db.session.scalars(
            select(Attachment).where(Attachment.ta_request_id == ta_request.id).order_by(Attachment.id)
        )
    )
    by_message = defaultdict(list)
    for attachment in attachments:
        if attachment.message_id is None:
            entries.append(Entry(attachment.created_at, "file", attachment))
        else:
            by_message[attachment.message_id].append(attachment)
    for message in messages_for(ta_request.id, actor):
        entries.append(Entry(message.created_at, message.kind, message, by_message.get(message.id, [])))
    if staff:
        entries += [Entry(a.assigned_at, "assignment", a) for a in assignment_history(ta_request)]
        entries += [
            Entry(h.created_at, "activity", h)
            for h in db.session.scalars(
                select(ActivityHistory).where(ActivityHistory.ta_request_id == ta_request.id)
            )
        ]
    survey = survey_for(ta_request.id) if survey is ... else survey
    if survey is not None:
        entries.append(Entry(survey.submitted_at, "survey", survey))
    order = {"stage": 0, "assignment": 1}
    entries.sort(key=lambda e: (e.when, order.get(e.kind, 2)))
    return entries
