"""Demo outcomes: the post-request surveys of the batch, 30/90-day follow-ups with answers, and
objectives in intensive requests' plans, so the outcomes page is not empty.

Bulk inserts with explicit ids (a benchmark seeds tens of thousands); idempotent by request.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from tacenter.delivery.models import PlanGoal
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.outcomes.models import FollowUp, ObjectiveChange, PlanObjective
from tacenter.surveys.defaults import FOLLOW_UP, POST_REQUEST
from tacenter.surveys.instruments import ensure_version
from tacenter.surveys.models import SurveyAnswer, SurveySubmission
from tacenter.vocab import Tier
from tacenter.workflow.rules import Stage


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


RESYNC = {  # each table's statement written out: no SQL is built from a string
    "survey_submission": text(
        "SELECT setval(pg_get_serial_sequence('survey_submission', 'id'), "
        "(SELECT COALESCE(MAX(id), 1) FROM survey_submission))"
    ),
    "survey_answer": text(
        "SELECT setval(pg_get_serial_sequence('survey_answer', 'id'), "
        "(SELECT COALESCE(MAX(id), 1) FROM survey_answer))"
    ),
    "follow_up": text(
        "SELECT setval(pg_get_serial_sequence('follow_up', 'id'), "
        "(SELECT COALESCE(MAX(id), 1) FROM follow_up))"
    ),
}


def _resync(*tables: str) -> None:
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        for table in tables:
            db.session.execute(RESYNC[table])


def _insert(version, purpose: str, rows: list[tuple[int, int, datetime, dict]]) -> list[int]:
    """rows: (request id, respondent id, when, {code: value}); returns the submission ids."""
    items = {item.code: item for item in version.items}
    sid, subs, answers = _next_id(SurveySubmission), [], []
    for request_id, respondent_id, when, values in rows:
        subs.append(
            {
                "id": sid,
                "version_id": version.id,
                "purpose": purpose,
                "ta_request_id": request_id,
                "respondent_id": respondent_id,
                "locale": "en",
                "submitted_at": when,
            }
        )
        for code, value in values.items():
            item = items[code]
            for one in value if isinstance(value, list) else [value]:
                answers.append(
                    {
                        "submission_id": sid,
                        "item_id": item.id,
                        "number": one if isinstance(one, int) else None,
                        "choice": one if item.kind in ("choice", "multi") else "",
                        "text": one if item.kind in ("text", "link") else "",
                    }
                )
        sid += 1
    if subs:
        db.session.execute(insert(SurveySubmission), subs)
        db.session.execute(insert(SurveyAnswer), answers)
    return [s["id"] for s in subs]


def insert_surveys(surveys: list[dict]) -> None:
    """The batch's post-request surveys (usefulness, timeliness, goal met drawn by history.py),
    answered on the current version; the other ratings near the usefulness given."""
    if not surveys:
        return
    version = ensure_version(POST_REQUEST)
    rows = []
    for s in surveys:
        rng = random.Random(s["ta_request_id"])
        base = s["usefulness"]

        def near(base=base, rng=rng) -> int:
            return max(1, min(5, base + rng.choice([-1, 0, 0, 1])))

        values = {
            "quality": near(),
            "relevance": near(),
            "usefulness": s["usefulness"],
            "timeliness": s["timeliness"],
            "satisfaction": near(),
            "intent_to_use": int(rng.random() < 0.85),
            "goal_met": s["goal_met"],
        }
        rows.append((s["ta_request_id"], s["respondent_id"], s["submitted_at"], values))
    _insert(version, POST_REQUEST, rows)
    _resync("survey_submission", "survey_answer")


def seed_follow_ups(now: datetime, rng: random.Random) -> None:
    """Follow-ups for closed requests past 30/90 days (at most two years back), 60 % answered."""
    version = ensure_version(FOLLOW_UP)
    closed = db.session.execute(
        select(TARequest.id, TARequest.requester_id, TARequest.finished_at)
        .where(TARequest.stage == Stage.CLOSED, TARequest.finished_at <= now - timedelta(days=30))
        .where(~select(FollowUp.id).where(FollowUp.ta_request_id == TARequest.id).exists())
        .order_by(TARequest.id)
    ).all()
    changes = ["practice", "policy", "program", "financing", "workforce"]
    for days in (30, 90):
        due = [r for r in closed if r.finished_at <= now - timedelta(days=days)]
        answered = [r for r in due if rng.random() < 0.6]
        answers = []
        for r in answered:
            picked = rng.sample(changes, rng.choice([1, 1, 2])) if rng.random() < 0.8 else ["nothing_yet"]
            answers.append(
                (
                    r.id,
                    r.requester_id,
                    r.finished_at + timedelta(days=days + rng.randint(1, 10)),
                    {"what_changed": picked, "evidence_note": "Shared with our partners."},
                )
            )
        ids = dict(zip([a[0] for a in answers], _insert(version, f"follow_up_{days}", answers), strict=True))
        db.session.execute(
            insert(FollowUp),
            [
                {
                    "ta_request_id": r.id,
                    "window_days": days,
                    "sent_at": r.finished_at + timedelta(days=days),
                    "reminded_at": None if r.id in ids else r.finished_at + timedelta(days=days + 14),
                    "lapsed_at": None if r.id in ids else r.finished_at + timedelta(days=days + 28),
                    "answered_at": (r.finished_at + timedelta(days=days + 5)) if r.id in ids else None,
                    "submission_id": ids.get(r.id),
                }
                for r in due
            ],
        ) if due else None
    _resync("survey_submission", "survey_answer", "follow_up")
    db.session.commit()


def seed_objectives(now: datetime, rng: random.Random) -> None:
    """Objectives under a goal for intensive requests (a goal is added where the plan has none)."""
    requests = db.session.execute(
        select(TARequest.id, TARequest.submitted_at)
        .where(
            TARequest.tier == Tier.INTENSIVE,
            TARequest.stage.in_([Stage.IN_PROGRESS, Stage.DELIVERED, Stage.CLOSED]),
        )
        .where(~select(PlanObjective.id).where(PlanObjective.ta_request_id == TARequest.id).exists())
    ).all()
    statuses = ["not_started", "in_progress", "in_progress", "met", "met", "not_met", "dropped"]
    for request_id, submitted in requests:
        goal_id = db.session.scalar(select(PlanGoal.id).where(PlanGoal.ta_request_id == request_id).limit(1))
        if goal_id is None:
            goal = PlanGoal(
                ta_request_id=request_id,
                description="Strengthen the state's IECMH consultation system",
                created_at=submitted,
            )
            db.session.add(goal)
            db.session.flush()
            goal_id = goal.id
        for text_ in ("Draft the consultation standards", "Train 20 consultants on the standards"):
            status = rng.choice(statuses)
            objective = PlanObjective(
                ta_request_id=request_id,
                goal_id=goal_id,
                description=text_,
                status=status,
                target_date=(submitted + timedelta(days=120)).date(),
                created_at=submitted,
                updated_at=submitted,
                evidence="Standards adopted" if status == "met" else "",
            )
            db.session.add(objective)
            db.session.flush()
            db.session.add(
                ObjectiveChange(
                    objective_id=objective.id,
                    ta_request_id=request_id,
                    status=status,
                    note="Demo history",
                    created_at=submitted,
                )
            )
    db.session.commit()
