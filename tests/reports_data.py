"""Randomized report data: bulk rows with every milestone shape, plus requests made through the
real workflow that waited on the requester, were reopened, and spanned holidays."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.timeliness.models import TimelinessTarget
from tacenter.vocab import DeliveryMode, OrgType, Tier, Urgency
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request
from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    submit,
)
from tests.outcomes_data import seed_outcomes

STAGES = [
    "submitted",
    "triage",
    "assigned",
    "in_progress",
    "waiting_on_requester",
    "delivered",
    "closed",
    "declined",
    "referred",
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def workflow_requests(requester, staff, lead, topic):
    """Three requests through the real services: a wait, a reopen, and Thanksgiving 2025."""
    made = []
    for start, waits, reopen in (
        ("2025-11-24 15:00", True, False),
        ("2025-12-22 15:00", False, True),
        ("2026-01-16 15:00", True, True),
    ):
        r = submit(requester, topic)
        r.submitted_at = at(start)
        db.session.commit()
        t = at(start)
        assign_request(r.reference, staff.id, actor=lead, now=t + timedelta(days=3))
        change_stage(r.reference, "in_progress", actor=staff, now=t + timedelta(days=4))
        if waits:
            change_stage(
                r.reference,
                "waiting_on_requester",
                actor=staff,
                note="Which counties?",
                now=t + timedelta(days=5),
            )
            change_stage(r.reference, "in_progress", actor=requester, now=t + timedelta(days=12))
        change_stage(r.reference, "delivered", actor=staff, now=t + timedelta(days=15))
        close_request(
            r.reference,
            goal_met="yes",
            outcome_summary="Plan adopted",
            actor=staff,
            now=t + timedelta(days=16),
        )
        if reopen:
            change_stage(
                r.reference, "in_progress", actor=staff, note="More to do", now=t + timedelta(days=18)
            )
        made.append(r)
    return made


def build(seed: int, count: int = 120, now: datetime = at("2026-06-15 16:00")) -> dict:
    rng = random.Random(seed)
    topics = [TopicFactory() for _ in range(4)]
    programs = [ProgramFactory() for _ in range(3)]
    orgs = [
        OrganizationFactory(org_type=rng.choice(list(OrgType)).value, state=s)
        for s in ("NM", "OH", "GU", "VT")
    ]
    requesters = [RequesterFactory(organization=o) for o in orgs]
    staff = [UserFactory(role="staff") for _ in range(3)]
    lead = UserFactory(role="lead")
    workflow_requests(requesters[0], staff[0], lead, topics[0])
    rows, links, activities, surveys = [], [], [], []
    for i in range(count):
        org = rng.choice(orgs)
        submitted = now - timedelta(days=rng.uniform(0, 700), hours=rng.uniform(0, 24))
        stage = rng.choice(STAGES)
        row = {
            "id": 1000 + seed * 10000 + i,
            "reference": f"TA-R-{seed}-{i}",
            "submission_token": f"rand-{seed}-{i}",
            "title": "T",
            "description": "D",
            "state": org.state,
            "tier": rng.choice(list(Tier)).value,
            "urgency": rng.choice(list(Urgency)).value,
            "program_id": rng.choice(programs + [None]) and rng.choice(programs).id,
            "requester_id": requesters[orgs.index(org)].id,
            "organization_id": org.id,
            "stage": stage,
            "assignee_id": rng.choice(staff + [None]) and rng.choice(staff).id,
            "submitted_at": submitted,
            "created_at": submitted,
            "updated_at": submitted,
        }
        if stage != "submitted" and rng.random() < 0.9:
            d = rng.randint(0, 6)
            row |= {"first_response_at": submitted + timedelta(days=d * 1.4), "days_to_first_response": d}
        if row.get("first_response_at") and rng.random() < 0.7:
            d = row["days_to_first_response"] + rng.randint(0, 6)
            row |= {"assigned_at": submitted + timedelta(days=d * 1.4 + 0.1), "days_to_assignment": d}
        if row.get("assigned_at") and rng.random() < 0.6:
            row |= {
                "delivered_at": submitted + timedelta(days=rng.uniform(5, 60)),
                "days_to_delivery": rng.randint(3, 40),
            }
        if stage in ("closed", "declined", "referred"):
            row["finished_at"] = min(now, submitted + timedelta(days=rng.uniform(1, 90)))
            row["closing_reason"] = rng.choice(["=cmd|' /C calc'!A0", "Out of scope", "+1 other center"])
        rows.append(row)
        for t in rng.sample(topics, rng.randint(1, 3)):
            links.append({"ta_request_id": row["id"], "topic_id": t.id})
        for _ in range(rng.randint(0, 4)):
            activities.append(
                {
                    "ta_request_id": row["id"],
                    "activity_date": (submitted + timedelta(days=rng.uniform(0, 80))).date(),
                    "hours": Decimal(rng.randint(1, 32)) / 4,
                    "mode": rng.choice(list(DeliveryMode)).value,
                    "participant_count": rng.randint(0, 30),
                    "staff_id": rng.choice(staff).id,
                    "deleted_at": now if rng.random() < 0.1 else None,
                }
            )
        if stage == "closed" and rng.random() < 0.8:
            surveys.append(
                {
                    "ta_request_id": row["id"],
                    "usefulness": rng.randint(1, 5),
                    "timeliness": rng.randint(1, 5),
                    "goal_met": rng.choice(["yes", "partly", "no"]),
                    "submitted_at": min(now, row["finished_at"] + timedelta(days=rng.uniform(0, 10))),
                }
            )
    # Admin targets that differ from the defaults: the figures must follow them (once per database).
    if db.session.scalar(select(TimelinessTarget.id).limit(1)) is None:
        db.session.add_all(
            [
                TimelinessTarget(
                    tier="intensive",
                    urgency="routine",
                    first_response_days=4,
                    assignment_days=6,
                    delivery_days=60,
                ),
                TimelinessTarget(
                    tier="targeted",
                    urgency="urgent",
                    first_response_days=0,
                    assignment_days=1,
                    delivery_days=5,
                ),
            ]
        )
    for table, values in ((TARequest, rows), (ta_request_topic, links), (TAActivity, activities)):
        if values:  # an empty executemany would insert one row of defaults
            db.session.execute(insert(table), values)
    closed = [r for r in rows if r["stage"] == "closed"]
    seed_outcomes(random.Random(seed + 1), surveys, closed, now)
    db.session.commit()
    return {
        "topics": topics,
        "programs": programs,
        "orgs": orgs,
        "staff": staff,
        "now": now,
        "today": date(2026, 6, 15),
    }
