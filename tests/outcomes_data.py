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
from tacenter.surveys.instruments import ItemDraft, _build, default_drafts
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
