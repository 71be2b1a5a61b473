"""The demo's follow-ups after events: every window already due (center settings, from the event's
delivery) for each contact of each attending organization, as the sweep would have sent them;
about 60 % answered, the others reminded and lapsed when due, so the first sweep after seeding
sends nothing old. Once: skipped when any event follow-up exists."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from tacenter.accounts.models import User
from tacenter.center.services import center_settings
from tacenter.demo.outcomes import _insert, _resync
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus
from tacenter.outcomes.follow_ups import follow_up_windows
from tacenter.outcomes.models import FollowUp
from tacenter.surveys.defaults import FOLLOW_UP
from tacenter.surveys.instruments import ensure_version
from tacenter.surveys.models import SurveySubmission
from tacenter.vocab import Role

CHANGES = ["practice", "policy", "program", "financing", "workforce"]


def seed_event_follow_ups(now: datetime, rng: random.Random) -> None:
    if db.session.scalar(select(FollowUp.id).where(FollowUp.event_id.is_not(None)).limit(1)):
        return
    settings = center_settings()
    remind, lapse = (
        timedelta(days=settings.follow_up_remind_days),
        timedelta(days=settings.follow_up_lapse_days),
    )
    version = ensure_version(FOLLOW_UP)
    contacts = db.session.execute(
        select(Event.id, Event.delivered_at, User.id, User.locale)
        .distinct()
        .join(EventAttendance, EventAttendance.event_id == Event.id)
        .join(User, User.organization_id == EventAttendance.organization_id)
        .where(
            Event.status == EventStatus.DELIVERED.value,
            Event.delivered_at.is_not(None),
            User.role == Role.REQUESTER.value,
            User.active,
        )
        .order_by(Event.id, User.id)
    ).all()
    for days in follow_up_windows():
        due = [c for c in contacts if c[1] + timedelta(days=days) <= now]
        answered = [c for c in due if rng.random() < 0.6]
        answers = [
            (
                None,
                contact,
                min(now, delivered + timedelta(days=days + rng.randint(1, 10))),
                {
                    "what_changed": rng.sample(CHANGES, rng.choice([1, 1, 2]))
                    if rng.random() < 0.8
                    else ["nothing_yet"],
                    "evidence_note": "We use the tools from the session in our team meetings.",
                },
            )
            for _event, delivered, contact, _locale in answered
        ]
        ids = _insert(version, f"follow_up_{days}", answers)
        submission = {
            (c[0], c[2]): (sid, answer[2]) for c, answer, sid in zip(answered, answers, ids, strict=True)
        }
        for (event_id, _delivered, _contact, locale), sid in zip(answered, ids, strict=True):
            db.session.execute(
                update(SurveySubmission)
                .where(SurveySubmission.id == sid)
                .values(event_id=event_id, locale=locale or "en")
            )
        rows = []
        for event_id, delivered, contact, _locale in due:
            sent = delivered + timedelta(days=days)
            sid, when = submission.get((event_id, contact), (None, None))
            rows.append(
                {
                    "event_id": event_id,
                    "contact_id": contact,
                    "window_days": days,
                    "sent_at": sent,
                    "answered_at": when,
                    "submission_id": sid,
                    "reminded_at": sent + remind if sid is None and sent + remind <= now else None,
                    "lapsed_at": sent + remind + lapse
                    if sid is None and sent + remind + lapse <= now
                    else None,
                }
            )
        if rows:
            db.session.execute(insert(FollowUp), rows)
    _resync("survey_submission", "survey_answer", "follow_up")
    db.session.commit()
