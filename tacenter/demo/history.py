"""The demo's requests and their history: which stage each reached, when, by whose hand.

The rows are dicts for bulk INSERTs (benchmarks seed 100,000 requests); their stage changes,
assignments and milestones follow the workflow table, as the services would have written them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from tacenter.conversation.models import MessageKind
from tacenter.demo.activity import conversation, delivery, message
from tacenter.timeliness import milestones
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

NOTES_BY_STEP = {
    Stage.DECLINED: "Reason recorded at triage.",
    Stage.REFERRED: "Reason recorded at triage.",
}
QUESTION = "Before we go on: which counties will take part, and who leads the work in each?"
NOTES_BY_STEP[Stage.WAITING_ON_REQUESTER] = QUESTION


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


MILESTONES = (
    "first_response_at",
    "days_to_first_response",
    "assigned_at",
    "days_to_assignment",
    "delivered_at",
    "days_to_delivery",
    "finished_at",
    "waiting_since",
    "waiting_days",
)
# A demo request waiting on its requester began waiting at most this long ago: a real one
# waiting longer would have been nudged, then closed as unanswered, by the reminder sweeps.
WAITING_AT_MOST = timedelta(days=4)


def _record_milestone(row: dict, step: Stage, previous: str | None, at: datetime, *, by_staff: bool) -> None:
    """What timeliness.milestones records for this move, recorded by that same code (the
    waiting clock included); then the outcome fields the closing services would have set."""
    request = SimpleNamespace(submitted_at=row["submitted_at"], **{k: row.get(k) for k in MILESTONES})
    if step == Stage.ASSIGNED:
        milestones.record_assignment(request, now=at)
    milestones.record_stage(request, previous, step.value, by_staff=by_staff, now=at)
    row.update({k: getattr(request, k) for k in MILESTONES if getattr(request, k) is not None})
    if step in (Stage.CLOSED, Stage.DECLINED, Stage.REFERRED):
        if step == Stage.CLOSED:
            days = row["days_to_delivery"] or 0
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
        if step == Stage.WAITING_ON_REQUESTER:
            at = max(at, now - WAITING_AT_MOST + timedelta(hours=request_id % 48))
        if step == Stage.SUBMITTED:
            actor = requester
        elif step in (Stage.IN_PROGRESS, Stage.DELIVERED, Stage.CLOSED, Stage.WAITING_ON_REQUESTER):
            actor = assignee
        else:
            actor = s.lead
        _record_milestone(row, step, previous, at, by_staff=step != Stage.SUBMITTED)
        last_at = at
        batch.changes.append(
            {
                "ta_request_id": request_id,
                "from_stage": previous,
                "to_stage": step.value,
                "actor_id": actor.id,
                "created_at": at,
                "note": NOTES_BY_STEP.get(step, ""),
            }
        )
        if step == Stage.WAITING_ON_REQUESTER:  # as conversation.ask_requester does: a reply they see
            batch.messages.append(message(request_id, MessageKind.REPLY, assignee, QUESTION, at))
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
    # Nobody writes while the request waits (a requester's reply would have resumed it).
    talk = conversation(s.talk, row, requester, assignee, row.get("waiting_since") or now, batch.messages)
    row["updated_at"] = max([last_at, *(m["created_at"] for m in talk)])  # the last activity
