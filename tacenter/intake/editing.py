"""Editing a request after submission: staff, leads and admins fix what a request says; its
requester may until triage begins. Every changed field is kept (RequestChange, shown in the
timeline) and the requester is told when someone else changed what they asked for."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel.speaklater import LazyString
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import utcnow
from tacenter.errors import InvalidTransition, NotAllowed
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.history import FIELD_LABELS
from tacenter.intake.models import RequestChange, TARequest
from tacenter.intake.services import RequestDraft, _check
from tacenter.notifications.services import notify
from tacenter.vocab import Role
from tacenter.workflow import rules
from tacenter.workflow.services import _check_version, _flush, _touch, get_visible_request

EDITORS = (Role.STAFF, Role.LEAD, Role.ADMIN)
# What the requester asked for and is told about when staff change it (program and state are
# the center's bookkeeping).
TOLD_TO_REQUESTER = {"title", "description", "topic_ids", "tier", "urgency", "needed_by", "preferred_mode"}


@dataclass
class RequestEdit:
    """The editable fields, as the form gives them (shape already checked)."""

    title: str
    description: str
    topic_ids: list[int]
    tier: str
    urgency: str
    state: str
    preferred_mode: str
    program_id: int | None = None
    needed_by: date | None = None


def may_edit(ta_request: TARequest, actor: User) -> bool:
    """Staff, leads and admins edit any open request; its requester only while it is submitted."""
    if ta_request.stage in rules.FINISHED:
        return False
    if actor.role_enum in EDITORS:
        return True
    return ta_request.requester_id == actor.id and ta_request.stage == rules.Stage.SUBMITTED


def ensure_may_edit(ta_request: TARequest, actor: User) -> None:
    """may_edit, raised with the reason: for the edit page and edit_request alike."""
    if may_edit(ta_request, actor):
        return
    if ta_request.stage in rules.FINISHED:
        stage = rules.Stage(ta_request.stage).label.lower()
        raise InvalidTransition(_l("This request is %(stage)s; reopen it to change it.", stage=stage))
    if ta_request.requester_id == actor.id:
        raise NotAllowed(_l("The center has started on your request: reply to tell them what changed."))
    raise NotAllowed("Only TA staff, leads and the requester (until triage) can edit a request.")


def _kept(name: str, value) -> str:
    """A field's value as the history keeps it: codes and ISO dates, put into words in each
    reader's language when shown (intake.history); names of topics and programs as they are."""
    if value in (None, "", []):
        return ""
    if name == "topic_ids":
        return ", ".join(sorted(t.name for t in value))
    if name == "program_id":
        program = db.session.get(GrantProgram, value)
        return program.name if program else str(value)
    if name == "needed_by":
        return value.isoformat()
    return str(value)


def edit_request(
    reference: str,
    values: RequestEdit,
    *,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> list[RequestChange]:
    """Change what a request says, recording each changed field (old value, new value, who).

    Guarded by the request's version like every change; the requester hears of changes to
    what they asked for when someone else makes them. Returns the changes (none: nothing written).
    """
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    _check_version(ta_request, expected_version)
    ensure_may_edit(ta_request, actor)
    values = dataclasses.replace(values, title=values.title.strip(), description=values.description.strip())
    # The submission's checks, except that a needed-by date already past may stay as it was.
    keep_date = values.needed_by == ta_request.needed_by
    checked = dataclasses.replace(values, needed_by=None if keep_date else values.needed_by)
    draft = RequestDraft(desired_outcome="", **dataclasses.asdict(checked))
    # _check answers with the ids (submit writes them with Core); an edit sets the relationship.
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(_check(draft, now.date())))))
    new = {**dataclasses.asdict(values), "topic_ids": topics}
    old = {name: getattr(ta_request, name) for name in FIELD_LABELS if name != "topic_ids"}
    old["topic_ids"] = list(ta_request.topics)
    # Every read before the first write: an autoflush must not send the UPDATE past _flush's guard.
    kept = {name: (_kept(name, old[name]), _kept(name, new[name])) for name in FIELD_LABELS}
    changed = [name for name, (before, after) in kept.items() if before != after]
    if not changed:
        return []
    changes = [
        RequestChange(ta_request_id=ta_request.id, actor_id=actor.id, field=name,
                      old_value=kept[name][0], new_value=kept[name][1], created_at=now)
        for name in changed
    ]  # fmt: skip
    for name in changed:
        setattr(ta_request, "topics" if name == "topic_ids" else name, new[name])
    _touch(ta_request, now)
    _flush()
    db.session.add_all(changes)
    told = [c for c in changes if c.field in TOLD_TO_REQUESTER]
    if told:  # notify leaves out the actor: a requester's own edit tells no one
        notify(
            ta_request.requester,
            "request_edited",
            # Lazy: written in the requester's language, field names included.
            LazyString(
                lambda: str(
                    _l(
                        "%(name)s changed %(fields)s on %(reference)s.",
                        name=actor.name,
                        fields=", ".join(c.label.lower() for c in told),
                        reference=ta_request.reference,
                    )
                )
            ),
            ta_request=ta_request,
            context={"changes": told, "actor_name": actor.name},
            actor=actor,
            now=now,
        )
    db.session.commit()
    return changes
