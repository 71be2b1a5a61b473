"""The demo's post-event answers: participants of the delivered events answered the anonymous
survey (about a third of them), so the event pages and the outcomes show response rates. Once:
skipped when any post-event answer exists."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select, update

from tacenter.demo.outcomes import _insert
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus
from tacenter.surveys.defaults import POST_EVENT
from tacenter.surveys.instruments import ensure_version
from tacenter.surveys.models import SurveySubmission


def seed_event_answers(now: datetime, rng: random.Random) -> None:
    if db.session.scalar(select(SurveySubmission.id).where(SurveySubmission.event_id.is_not(None)).limit(1)):
        return
    version = ensure_version(POST_EVENT)
    recorded = dict(
        db.session.execute(
            select(EventAttendance.event_id, func.sum(EventAttendance.participant_count)).group_by(
                EventAttendance.event_id
            )
        ).all()
    )
    for event in db.session.scalars(select(Event).where(Event.status == EventStatus.DELIVERED.value)):
        participants = int(recorded.get(event.id) or 0) + event.non_grantee_count
        rows = []
        for _ in range(participants * rng.randint(25, 45) // 100):
            good = rng.choice([3, 4, 4, 5, 5])
            values = {c: max(1, min(5, good + rng.choice([-1, 0, 0, 1]))) for c in
                      ("quality", "relevance", "usefulness", "satisfaction")}  # fmt: skip
            values["intent_to_use"] = int(rng.random() < 0.85)
            rows.append(
                (
                    None,
                    None,
                    min(
                        now,
                        datetime.combine(event.event_date, time(18), UTC)
                        + timedelta(hours=rng.randint(0, 72)),
                    ),
                    values,
                )
            )
        ids = _insert(version, POST_EVENT, rows)
        for sid in ids:
            key = hashlib.sha256(f"demo-browser-{sid}".encode()).hexdigest()
            db.session.execute(
                update(SurveySubmission)
                .where(SurveySubmission.id == sid)
                .values(event_id=event.id, browser_key=key, locale=rng.choice(["en", "en", "es"]))
            )
    db.session.commit()
