"""The demo's requests and their history: which stage each reached, when, by whose hand.

The rows are dicts for bulk INSERTs (benchmarks seed 100,000 requests); their stage changes,
assignments and milestones follow the workflow table, as the services would have written them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tacenter.demo.activity import conversation, delivery
from tacenter.timeliness.business_days import business_days_between
from tacenter.vocab import DeliveryMode, Tier, Urgency
from tacenter.workflow.rules import Stage

TITLES = [
    "Billing Medicaid for dyadic services",
    "Building an IECMH consultation workforce",
    "Choosing a developmental screening tool",
    "Training clinicians in DC:0-5 crosswalks",
    "Perinatal depression screening in pediatric clinics",
    "Aligning Part C eligibility with social-emotional delays",
    "Reflective supervision for home visitors",
    "Embedding mental health consultation in child care",
    "Family advisory council for our LAUNCH project",
    "Evaluation plan for year 3",
    "State IECMH endorsement and reciprocity",
    "Culturally responsive practice in tribal communities",
]

# Stages a demo request can be in, with the path that led there.
PATHS = {
    Stage.SUBMITTED: [Stage.SUBMITTED],
    Stage.TRIAGE: [Stage.SUBMITTED, Stage.TRIAGE],
    Stage.ASSIGNED: [Stage.SUBMITTED, Stage.TRIAGE, Stage.ASSIGNED],
    Stage.IN_PROGRESS: [Stage.SUBMITTED, Stage.ASSIGNED, Stage.IN_PROGRESS],
    Stage.WAITING_ON_REQUESTER: [
        Stage.SUBMITTED,
        Stage.ASSIGNED,
        Stage.IN_PROGRESS,
        Stage.WAITING_ON_REQUESTER,
    ],
    Stage.DELIVERED: [Stage.SUBMITTED, Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.DELIVERED],
    Stage.CLOSED: [Stage.SUBMITTED, Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.DELIVERED, Stage.CLOSED],
    Stage.DECLINED: [Stage.SUBMITTED, Stage.TRIAGE, Stage.DECLINED],
    Stage.REFERRED: [Stage.SUBMITTED, Stage.TRIAGE, Stage.REFERRED],
}
STAGE_WEIGHTS = [8, 6, 8, 14, 4, 5, 40, 3, 3]
FINISHED = (Stage.CLOSED, Stage.DECLINED, Stage.REFERRED)
# Open work is bounded by the team, not by the years of history: about this many open
# requests per TA staff member (a caseload plus its share of the unassigned queue).
OPEN_PER_STAFF = 30


def stage_and_age(rng, request_count: int, staff_count: int, history_days: int):
    """Each request's stage and age in days, by its number i.

    A small demo keeps STAGE_WEIGHTS' mix, spread at random. A large history keeps about
    OPEN_PER_STAFF open requests per staff member (in the last 60 days) and writes the
    finished ones in the order they arrived, as a real center's table fills up."""
    weights = dict(zip(PATHS, STAGE_WEIGHTS, strict=True))
    open_weights = {s: w for s, w in weights.items() if s not in FINISHED}
    finished_weights = {s: w for s, w in weights.items() if s in FINISHED}
    open_share = sum(open_weights.values()) / sum(STAGE_WEIGHTS)
    wanted = min(open_share, OPEN_PER_STAFF * staff_count / max(request_count, 1))
    if wanted >= open_share:

        def mixed(i: int) -> tuple[Stage, float]:
            stage = rng.choices(list(PATHS), STAGE_WEIGHTS)[0]
            return stage, rng.uniform(0.2, history_days if stage in FINISHED else 60)

        return mixed

    def in_arrival_order(i: int) -> tuple[Stage, float]:
        if rng.random() < wanted:
            return rng.choices(list(open_weights), list(open_weights.values()))[0], rng.uniform(0.2, 60)
        stage = rng.choices(list(finished_weights), list(finished_weights.values()))[0]
        return stage, max(0.2, history_days * (1 - i / request_count) + rng.uniform(-0.5, 0.5))

    return in_arrival_order


def _record_milestone(row: dict, step: Stage, at: datetime, tz: str) -> None:
    """The milestones timeliness.milestones would have recorded (demo paths never wait)."""
    days = business_days_between(row["submitted_at"], at, tz=tz)
    if step != Stage.SUBMITTED and row.get("first_response_at") is None:
        row["first_response_at"], row["days_to_first_response"] = at, days
    if step == Stage.ASSIGNED:
        row["assigned_at"], row["days_to_assignment"] = at, days
    if step == Stage.DELIVERED:
        row["delivered_at"], row["days_to_delivery"] = at, days
    if step in (Stage.CLOSED, Stage.DECLINED, Stage.REFERRED):
        row["finished_at"] = at
        if step == Stage.CLOSED:
            row["goal_met"] = "yes" if days % 3 else "partly"
            row["outcome_summary"] = "The plan was adopted by the partners."
        else:
            row["closing_reason"] = "Outside the center's scope."
            row["referred_to"] = "Part C TA center" if step == Stage.REFERRED else ""


@dataclass
class Batch:
    """The rows of one bulk INSERT per table."""

    rows: list = field(default_factory=list)
    links: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    surveys: list = field(default_factory=list)
    messages: list = field(default_factory=list)


@dataclass
class Seeding:
    """What every request of one seed run draws from."""

    rng: object
    talk: object  # its own stream: the stages and dates stay as they were
    tz: str
    now: datetime
    prefix: str
    lead: object
    staff: list
    topic_ids: list
    program_ids: list


def add_request(s: Seeding, batch: Batch, i: int, request_id: int, requester, requester_org, stage, days_ago):
    """Request number `i` of this seed, with its topics, stage changes, assignment, activity and talk."""
    rng, now, tz = s.rng, s.now, s.tz
    submitted = now - timedelta(days=days_ago)
    path = PATHS[stage]
    assignee = rng.choice(s.staff) if Stage.ASSIGNED in path else None
    batch.rows.append(
        {
            "id": request_id,
            "reference": f"TA-{submitted.year}-{request_id:04d}",
            "submission_token": f"{s.prefix}{i}",
            "title": rng.choice(TITLES),
            "description": "We would like help to plan and carry out this work with our "
            "partners over the next few months.",
            "desired_outcome": "A plan our partners agree on.",
            "program_id": rng.choice(s.program_ids),
            "state": requester_org.state,
            "tier": rng.choice(list(Tier)).value,
            "urgency": rng.choice(list(Urgency)).value,
            "needed_by": (submitted + timedelta(days=rng.randint(20, 120))).date()
            if rng.random() < 0.6
            else None,
            "preferred_mode": rng.choice(list(DeliveryMode)).value,
            "requester_id": requester.id,
            "organization_id": requester.organization_id,
            "stage": stage.value,
            "assignee_id": assignee.id if assignee else None,
            "submitted_at": submitted,
            "created_at": submitted,
            "updated_at": submitted,
            "version": len(path),
        }
    )
    for topic_id in rng.sample(s.topic_ids, rng.randint(1, 3)):
        batch.links.append({"ta_request_id": request_id, "topic_id": topic_id})
    at, previous = submitted, None
    row = batch.rows[-1]
    for step in path:
        _record_milestone(row, step, at, tz)
        if step == Stage.SUBMITTED:
            actor = requester
        elif step in (Stage.IN_PROGRESS, Stage.DELIVERED, Stage.CLOSED):
            actor = assignee
        else:
            actor = s.lead
        batch.changes.append(
            {
                "ta_request_id": request_id,
                "from_stage": previous,
                "to_stage": step.value,
                "actor_id": actor.id,
                "created_at": at,
                "note": "Reason recorded at triage." if step in (Stage.DECLINED, Stage.REFERRED) else "",
            }
        )
        if step == Stage.ASSIGNED:
            batch.assignments.append(
                {
                    "ta_request_id": request_id,
                    "assignee_id": assignee.id,
                    "assigned_by_id": s.lead.id,
                    "assigned_at": at,
                    "note": "",
                }
            )
        previous = step.value
        at = min(now, at + timedelta(hours=rng.uniform(2, 96)))
    delivery(rng, row, assignee, tz, now, batch.activities, batch.surveys)
    conversation(s.talk, row, requester, assignee, now, batch.messages)
