"""Randomized outcome data for the report tests: post-request answers on two instrument versions
(the legacy four questions and the current defaults), follow-ups with answers, plan objectives."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from tacenter.delivery.models import PlanGoal
from tacenter.demo.outcomes import _insert
from tacenter.extensions import db
from tacenter.outcomes.models import FollowUp, PlanObjective
from tacenter.surveys import defaults
from tacenter.surveys.instruments import ItemDraft, _build, default_drafts, ensure_version
from tacenter.surveys.models import InstrumentVersion, SurveyInstrument


def versions():
    """Version 1 (legacy questions) and 2 (defaults) of post-request; version 1 of follow-up."""
    found = db.session.scalars(
        select(InstrumentVersion)
        .join(SurveyInstrument)
        .order_by(SurveyInstrument.kind, InstrumentVersion.number)
    ).all()
    if not found:
        legacy = [
            ItemDraft(c, k, lab, en, es, tuple(ch), r)
            for c, k, lab, en, es, ch, r in defaults.LEGACY_POST_REQUEST
        ]
        v1 = _build(None, defaults.POST_REQUEST, 1, legacy)
        db.session.add(v1)
        db.session.flush()
        db.session.add(_build(v1.instrument, defaults.POST_REQUEST, 2, default_drafts(defaults.POST_REQUEST)))
        db.session.add(_build(None, defaults.FOLLOW_UP, 1, default_drafts(defaults.FOLLOW_UP)))
        db.session.flush()
    by = {}
    for v in db.session.scalars(select(InstrumentVersion).join(SurveyInstrument)):
        by[(v.instrument.kind, v.number)] = v
    return by


def seed_outcomes(rng: random.Random, surveys: list[dict], closed: list[dict], now: datetime) -> None:
    """`surveys`: drawn by reports_data (request id, usefulness, timeliness, goal met, when);
    `closed`: closed request rows (id, finished_at, tier)."""
    by = versions()
    rows = {1: [], 2: []}
    for s in surveys:
        number = rng.choice([1, 2])
        values = {"usefulness": s["usefulness"], "timeliness": s["timeliness"], "goal_met": s["goal_met"]}
        if number == 2:
            values |= {c: rng.randint(1, 5) for c in ("quality", "relevance", "satisfaction")}
            values["intent_to_use"] = rng.choice([0, 1])
            if rng.random() < 0.2:
                del values["goal_met"]  # optional in practice: a missing answer stays missing
        rows[number].append((s["ta_request_id"], None, s["submitted_at"], values))
    for number, batch in rows.items():
        _insert(by[(defaults.POST_REQUEST, number)], "post_request", batch)
    follow = by[(defaults.FOLLOW_UP, 1)]
    codes = [c for c, _en, _es in defaults.CHANGES]
    for days in (30, 90):
        due = [r for r in closed if r["finished_at"] + timedelta(days=days) <= now]
        answered = [r for r in due if rng.random() < 0.5]
        answers = [
            (
                r["id"],
                None,
                min(now, r["finished_at"] + timedelta(days=days + rng.randint(0, 20))),
                {"what_changed": rng.sample(codes, rng.randint(1, 3))},
            )
            for r in answered
        ]
        ids = dict(zip([a[0] for a in answers], _insert(follow, f"follow_up_{days}", answers), strict=True))
        if due:
            db.session.execute(
                insert(FollowUp),
                [
                    {
                        "ta_request_id": r["id"],
                        "window_days": days,
                        "sent_at": r["finished_at"] + timedelta(days=days),
                        "reminded_at": None
                        if r["id"] in ids or rng.random() < 0.5
                        else r["finished_at"] + timedelta(days=days + 14),
                        "answered_at": r["finished_at"] + timedelta(days=days + 1)
                        if r["id"] in ids
                        else None,
                        "submission_id": ids.get(r["id"]),
                    }
                    for r in due
                ],
            )
    for r in closed:
        if rng.random() < 0.4:
            goal = PlanGoal(ta_request_id=r["id"], description="Goal", created_at=r["finished_at"])
            db.session.add(goal)
            db.session.flush()
            for _ in range(rng.randint(1, 3)):
                db.session.add(
                    PlanObjective(
                        ta_request_id=r["id"],
                        goal_id=goal.id,
                        description="Objective",
                        status=rng.choice(["not_started", "in_progress", "met", "not_met", "dropped"]),
                        created_at=r["finished_at"] - timedelta(days=rng.randint(0, 400)),
                        updated_at=r["finished_at"],
                    )
                )


def seed_event_answers(rng: random.Random, today, *, events: int = 30) -> list[dict]:
    """Events of every type, tier and status over two years, attendance, and anonymous
    post-event answers (some items skipped). Returns the raw facts the figures are checked on."""
    from datetime import UTC
    from decimal import Decimal

    from sqlalchemy import update

    from tacenter.group_ta.models import Event, EventAttendance
    from tacenter.surveys.models import SurveySubmission
    from tests.factories import OrganizationFactory, UserFactory

    owner = UserFactory(role="staff")
    orgs = [OrganizationFactory() for _ in range(4)]
    post_event = ensure_version(defaults.POST_EVENT)
    made = []
    for n in range(events):
        held = today - timedelta(days=rng.randint(0, 700))
        event = Event(
            title=f"Event {n}", event_type=rng.choice(["training", "ta", "meeting"]),
            tier=rng.choice(["universal", "targeted", "intensive"]), event_date=held,
            duration_hours=Decimal("1.5"),
            status=rng.choice(["delivered", "delivered", "planned", "cancelled"]),
            non_grantee_count=rng.randint(0, 3), owner_id=owner.id,
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        counts = {o.id: rng.randint(1, 8) for o in rng.sample(orgs, rng.randint(0, 3))}
        db.session.add_all(EventAttendance(event_id=event.id, organization_id=o, participant_count=c)
                           for o, c in counts.items())  # fmt: skip
        answers = []
        for _ in range(rng.randint(0, 6)):
            values = {c: rng.randint(1, 5) for c in ("quality", "relevance", "usefulness", "satisfaction")}
            values["intent_to_use"] = rng.choice([0, 1])
            for code in rng.sample(sorted(values), rng.randint(0, 2)):
                del values[code]
            at = datetime.combine(held, datetime.min.time()).replace(tzinfo=UTC) + timedelta(
                hours=rng.randint(1, 24 * 20)
            )
            answers.append((None, None, at, values))
        ids = _insert(post_event, "post_event", answers)
        if ids:
            db.session.execute(
                update(SurveySubmission).where(SurveySubmission.id.in_(ids)).values(event_id=event.id)
            )
        made.append(
            {
                "id": event.id, "type": event.event_type, "tier": event.tier, "date": held,
                "status": event.status, "participants": sum(counts.values()) + event.non_grantee_count,
                "answers": [(at, values) for _r, _u, at, values in answers],
            }
        )  # fmt: skip
    db.session.commit()
    return made


def seed_event_follow_ups(rng: random.Random, made: dict) -> None:
    """30/90-day follow-ups after the delivered events of group_ta_data.build: one per contact (a
    requester of each attending organization; organizations without one get one), about half
    answered with changes, as the contacts themselves (event id set, no request)."""
    from datetime import UTC

    from sqlalchemy import update

    from tacenter.accounts.models import User
    from tacenter.group_ta.models import Event, EventAttendance
    from tacenter.surveys.models import SurveySubmission
    from tests.factories import RequesterFactory

    now = made["now"]
    contacts: dict[int, list[int]] = {}
    for org in made["all_orgs"]:
        people = db.session.scalars(select(User.id).where(User.organization_id == org.id)).all()
        contacts[org.id] = list(people) or [RequesterFactory(organization=org).id]
    follow = versions()[(defaults.FOLLOW_UP, 1)]
    codes = [c for c, _en, _es in defaults.CHANGES]
    attended = db.session.execute(
        select(Event.id, Event.event_date, EventAttendance.organization_id)
        .join(EventAttendance, EventAttendance.event_id == Event.id)
        .where(Event.status == "delivered")
    ).all()
    for days in (30, 90):
        due = []
        for event_id, held, org_id in attended:
            sent = datetime.combine(held, datetime.min.time()).replace(tzinfo=UTC) + timedelta(days=days)
            due += [(event_id, contact, sent) for contact in contacts[org_id] if sent <= now]
        answered = [d for d in due if rng.random() < 0.5]
        answers = [
            (None, contact, min(now, sent + timedelta(days=rng.randint(0, 20))),
             {"what_changed": rng.sample(codes, rng.randint(1, 3))})
            for _event, contact, sent in answered
        ]  # fmt: skip
        ids = _insert(follow, f"follow_up_{days}", answers)
        for (event_id, _contact, _sent), sid in zip(answered, ids, strict=True):
            db.session.execute(
                update(SurveySubmission).where(SurveySubmission.id == sid).values(event_id=event_id)
            )
        by_key = {(e, c): sid for (e, c, _s), sid in zip(answered, ids, strict=True)}
        if due:
            db.session.execute(
                insert(FollowUp),
                [
                    {"event_id": e, "contact_id": c, "window_days": days, "sent_at": sent,
                     "reminded_at": None if (e, c) in by_key or rng.random() < 0.5
                     else sent + timedelta(days=14),
                     "answered_at": sent + timedelta(days=1) if (e, c) in by_key else None,
                     "submission_id": by_key.get((e, c))}
                    for e, c, sent in due
                ],
            )  # fmt: skip
    db.session.commit()
