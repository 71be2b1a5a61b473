"""Moves nobody makes from the stage form: a requester's answer resumes a waiting request, and
the reminder sweep closes one left unanswered. Both go through `_move`, the one stage writer."""

from __future__ import annotations

from datetime import datetime

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import InvalidTransition
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.workflow import rules
from tacenter.workflow.models import REQUESTER_ANSWERED
from tacenter.workflow.services import _move


def close_unanswered(ta_request_id: int, *, now: datetime | None = None) -> TARequest:
    """The reminder sweep's close: a request still waiting on its requester after the nudge
    and the grace period is closed as unanswered, by the system. Staff can reopen it."""
    now = now or utcnow()
    ta_request = db.session.get(TARequest, ta_request_id)
    if ta_request is None or ta_request.stage != rules.Stage.WAITING_ON_REQUESTER:
        raise InvalidTransition("Only a request waiting on its requester can be closed as unanswered.")
    transition = rules.find_transition(ta_request.stage, rules.Stage.CLOSED)
    note = "Closed automatically: the requester did not answer. Staff can reopen it."
    _move(ta_request, transition, actor=None, note=note, now=now)
    db.session.commit()
    return ta_request


def resume_on_answer(ta_request: TARequest, *, actor: User, now: datetime) -> bool:
    """A requester's reply to a request waiting on them puts it back in progress. Caller commits.
    The caller's reply notice tells the assignee it resumed (one email, not two); the requester,
    who replied, is told nothing."""
    if ta_request.stage != rules.Stage.WAITING_ON_REQUESTER:
        return False
    transition = rules.find_transition(ta_request.stage, rules.Stage.IN_PROGRESS)
    _move(ta_request, transition, actor=actor, note=REQUESTER_ANSWERED, now=now, assignee_told=True)
    return True
