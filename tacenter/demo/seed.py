"""Idempotent demo data: organizations across states, staff, one login per role, requests.

Requests are inserted in bulk (not through the intake service) so that benchmarks can
seed 100,000 of them quickly; their history is consistent with the workflow table.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, insert, select, text

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.catalog.queries import DEFAULT_PROGRAMS, DEFAULT_TOPICS
from tacenter.conversation.models import Message, MessageKind
from tacenter.delivery.models import SurveyResponse, TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.timeliness.business_days import business_days_between, local_date
from tacenter.vocab import STATES, DeliveryMode, OrgType, Role, Tier, Urgency
from tacenter.workflow.models import Assignment, StageChange
from tacenter.workflow.rules import Stage

DEMO_PASSWORD = "demo-password"  # noqa: S105 (published demo logins)

ORGANIZATIONS = [
    ("New Mexico Children, Youth and Families Department", OrgType.STATE_AGENCY, "NM"),
    ("Ohio Project LAUNCH", OrgType.SAMHSA_GRANTEE, "OH"),
    ("Vermont Agency of Human Services", OrgType.STATE_AGENCY, "VT"),
    ("Navajo Nation Early Childhood Partnership", OrgType.TRIBAL, "AZ"),
    ("Guam Behavioral Health and Wellness Center", OrgType.TERRITORY_AGENCY, "GU"),
    ("Little Rock Family Wellness Clinic", OrgType.COMMUNITY_PROVIDER, "AR"),
    ("Michigan IECMH Grant Program", OrgType.SAMHSA_GRANTEE, "MI"),
    ("Puerto Rico Departamento de Salud", OrgType.TERRITORY_AGENCY, "PR"),
]

# (email, name, role, organization index or None)
PEOPLE = [
    ("requester@demo.tacenter.org", "Rosa Requester", Role.REQUESTER, 0),
    ("requester2@demo.tacenter.org", "Omar Okafor", Role.REQUESTER, 1),
    ("staff@demo.tacenter.org", "Sam Specialist", Role.STAFF, None),
    ("staff2@demo.tacenter.org", "Priya Patel", Role.STAFF, None),
    ("staff3@demo.tacenter.org", "Luis Hernández", Role.STAFF, None),
    ("lead@demo.tacenter.org", "Lee Lead", Role.LEAD, None),
    ("leadership@demo.tacenter.org", "Dana Director", Role.LEADERSHIP, None),
    ("admin@demo.tacenter.org", "Ada Admin", Role.ADMIN, None),
]

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
MILESTONE_KEYS = (
    "first_response_at",
    "days_to_first_response",
    "assigned_at",
    "days_to_assignment",
    "delivered_at",
    "days_to_delivery",
    "finished_at",
    "goal_met",
)
STAGE_WEIGHTS = [8, 6, 8, 14, 4, 5, 40, 3, 3]
FINISHED = (Stage.CLOSED, Stage.DECLINED, Stage.REFERRED)
# Open work is bounded by the team, not by the years of history: about this many open
# requests per TA staff member (a caseload plus its share of the unassigned queue).
OPEN_PER_STAFF = 30


def _history(rng, request_count: int, staff_count: int, history_days: int):
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


def _ensure(model, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def _extra_people(organizations: int, staff: int) -> None:
    """More organizations (each with a requester) and TA staff, for benchmarks at scale."""
    states = sorted(STATES)
    have = db.session.scalar(select(func.count()).select_from(Organization)) - len(ORGANIZATIONS)
    password_hash = hash_password(DEMO_PASSWORD) if organizations > have or staff else None
    for n in range(max(0, have), organizations):
        org = Organization(
            name=f"Grantee organization {n + 1:03d}",
            state=states[n % len(states)],
            org_type=list(OrgType)[n % len(OrgType)].value,
        )
        db.session.add(org)
        db.session.add(
            User(
                email=f"requester{n + 1:03d}@bench.tacenter.org",
                name=f"Requester {n + 1:03d}",
                role=Role.REQUESTER.value,
                organization=org,
                password_hash=password_hash,
            )
        )
    have_staff = db.session.scalar(select(func.count()).where(User.email.like("staff%@bench.tacenter.org")))
    for n in range(have_staff, staff):
        db.session.add(
            User(
                email=f"staff{n + 1:03d}@bench.tacenter.org",
                name=f"Specialist {n + 1:03d}",
                role=Role.STAFF.value,
                password_hash=password_hash,
            )
        )
    db.session.flush()


def _base_data() -> tuple[list[Organization], list[User], list[User]]:
    for name in DEFAULT_TOPICS:
        _ensure(Topic, name=name)
    for name in DEFAULT_PROGRAMS:
        _ensure(GrantProgram, name=name)
    orgs = []
    for name, org_type, state in ORGANIZATIONS:
        org = _ensure(Organization, name=name)
        org.org_type, org.state = org_type.value, state
        orgs.append(org)
    db.session.flush()
    password_hash = None
    people = []
    for email, name, role, org_index in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                email=email,
                name=name,
                role=role.value,
                password_hash=password_hash,
                organization=orgs[org_index] if org_index is not None else None,
            )
            db.session.add(user)
        people.append(user)
    db.session.flush()
    requesters = list(
        db.session.scalars(select(User).where(User.role == Role.REQUESTER.value).order_by(User.id))
    )
    staff = list(
        db.session.scalars(
            select(User).where(User.role.in_([Role.STAFF.value, Role.LEAD.value])).order_by(User.id)
        )
    )
    return orgs, requesters, staff


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


# Routing profiles: (email, capacity, primary topics, secondary topics, states, programs, days away)
PROFILES = [
    (
        "staff@demo.tacenter.org",
        8,
        ["Financing and Medicaid", "IECMH consultation (IECMHC)"],
        ["Policy and systems building"],
        ["NM", "AZ", "TX", "OK", "AR"],
        ["Project LAUNCH"],
        None,
    ),
    (
        "staff2@demo.tacenter.org",
        9,
        ["Perinatal and maternal mental health", "Screening and assessment", "Diagnosis and DC:0-5"],
        ["Pediatric primary care integration", "Financing and Medicaid"],
        ["OH", "MI", "VT", "NM"],
        ["Infant and Early Childhood Mental Health grant program", "Project LAUNCH"],
        None,
    ),
    (
        "staff3@demo.tacenter.org",
        6,
        [
            "Equity and culturally responsive practice",
            "Home visiting",
            "Family engagement and lived experience",
        ],
        ["Workforce development and endorsement", "Early intervention (IDEA Part C)"],
        ["PR", "GU", "AZ", "NM", "VI", "AS", "MP"],
        ["State policy (no SAMHSA grant)"],
        (3, 9),
    ),
    (
        "lead@demo.tacenter.org",
        3,
        [],
        ["Policy and systems building", "Data, evaluation and CQI", "Child care and early learning"],
        ["VT", "OH", "MI"],
        [],
        None,
    ),
]


def _profiles(now: datetime) -> None:
    """Expertise, states and capacity for the demo staff, so triage has meaningful suggestions."""
    from tacenter.routing.models import Level, StaffAbsence, StaffExpertise, StaffProfile, StaffState

    topics = dict(db.session.execute(select(Topic.name, Topic.id)).all())
    programs = {p.name: p for p in db.session.scalars(select(GrantProgram))}
    for email, capacity, primary, secondary, states, program_names, away in PROFILES:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or db.session.get(StaffProfile, user.id) is not None:
            continue  # keep what a lead has edited since
        db.session.add(
            StaffProfile(
                user_id=user.id,
                capacity=capacity,
                active=True,
                expertise=[StaffExpertise(topic_id=topics[n], level=Level.PRIMARY.value) for n in primary]
                + [StaffExpertise(topic_id=topics[n], level=Level.SECONDARY.value) for n in secondary],
                states=[StaffState(state=code) for code in states],
                programs=[programs[n] for n in program_names],
            )
        )
        db.session.flush()
        if away:
            start = now.date() + timedelta(days=away[0])
            db.session.add(
                StaffAbsence(
                    user_id=user.id,
                    starts_on=start,
                    ends_on=now.date() + timedelta(days=away[1]),
                    note="Leave",
                )
            )
    db.session.flush()


MODE_WEIGHTS = {
    DeliveryMode.VIRTUAL_MEETING: 40,
    DeliveryMode.PHONE_EMAIL: 25,
    DeliveryMode.ON_SITE: 6,
    DeliveryMode.WEBINAR_TRAINING: 12,
    DeliveryMode.PEER_LEARNING: 10,
    DeliveryMode.RESOURCE_REFERRAL: 7,
}
HOURS_BY_MODE = {  # (lowest, highest) hours of one activity
    DeliveryMode.VIRTUAL_MEETING: (0.5, 2),
    DeliveryMode.PHONE_EMAIL: (0.25, 1),
    DeliveryMode.ON_SITE: (4, 8),
    DeliveryMode.WEBINAR_TRAINING: (1, 3),
    DeliveryMode.PEER_LEARNING: (1, 2),
    DeliveryMode.RESOURCE_REFERRAL: (0.25, 0.75),
}


REPLIES = [
    ("staff", "Thanks for the detail. Could you share the current draft and who else should join?"),
    ("requester", "Attached is our draft. Our evaluation lead and two supervisors will join."),
    ("staff", "Here are three resources to read before we meet, and a proposed agenda."),
    ("requester", "That agenda works for us. Thursday afternoons are best."),
]
NOTES = [
    "Similar to last year's request from this state; reuse the workforce materials.",
    "Follow up in two weeks.",
]


def _conversation(talk, row: dict, requester, assignee, now: datetime, messages: list) -> None:
    """A few replies (and now and then an internal note) on requests someone has picked up."""
    if assignee is None:
        return
    at = row["submitted_at"]
    for role, body in REPLIES[: talk.randint(0, len(REPLIES))]:
        at = min(now, at + timedelta(hours=talk.uniform(1, 72)))
        author = assignee if role == "staff" else requester
        messages.append(_message(row["id"], MessageKind.REPLY, author, body, at))
    if talk.random() < 0.3:
        messages.append(_message(row["id"], MessageKind.NOTE, assignee, talk.choice(NOTES), at))


def _message(request_id: int, kind: MessageKind, author, body: str, at: datetime) -> dict:
    return {
        "ta_request_id": request_id,
        "kind": kind.value,
        "author_id": author.id,
        "body": body,
        "body_html": f"<p>{body}</p>",  # plain demo text: nothing to sanitize
        "created_at": at,
    }


def _delivery(rng, row: dict, assignee, tz: str, now: datetime, activities: list, surveys: list) -> None:
    """TA activities between assignment and delivery, and a survey for closed requests."""
    if row.get("delivered_at") is None or assignee is None:
        return
    start, end = local_date(row["assigned_at"], tz), local_date(row["delivered_at"], tz)
    modes, weights = list(MODE_WEIGHTS), list(MODE_WEIGHTS.values())
    for _ in range(rng.randint(1, 4) if row["tier"] != Tier.INTENSIVE.value else rng.randint(3, 8)):
        mode = rng.choices(modes, weights)[0]
        low, high = HOURS_BY_MODE[mode]
        activities.append(
            {
                "ta_request_id": row["id"],
                "activity_date": start + timedelta(days=rng.randint(0, max(0, (end - start).days))),
                "hours": Decimal(rng.randint(int(low * 4), int(high * 4))) / 4,
                "mode": mode.value,
                "participant_count": rng.randint(1, 40 if mode == DeliveryMode.WEBINAR_TRAINING else 8),
                "participant_roles": "Program staff",
                "staff_id": assignee.id,
                "created_at": row["delivered_at"],
                "updated_at": row["delivered_at"],
            }
        )
    if row["stage"] == Stage.CLOSED.value and rng.random() < 0.7:
        surveys.append(
            {
                "ta_request_id": row["id"],
                "respondent_id": row["requester_id"],
                "usefulness": rng.choices([2, 3, 4, 5], [1, 3, 8, 10])[0],
                "timeliness": rng.choices([2, 3, 4, 5], [2, 4, 8, 7])[0],
                "goal_met": rng.choices(["yes", "partly", "no"], [12, 5, 1])[0],
                "comment": "",
                "submitted_at": min(now, row["finished_at"] + timedelta(hours=rng.uniform(1, 120))),
            }
        )


def _settle() -> None:
    """After a bulk load, what a DBA (or autovacuum, in time) does to a settled database.
    Planner statistics: without them SQLite sorts every open request rather than read the
    open-requests index. On PostgreSQL, VACUUM also sets the visibility map, without which
    index-only scans (a period's topics through ta_request_topic's key) visit the heap."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def seed_demo(
    *,
    request_count: int = 40,
    random_seed: int = 2026,
    now: datetime | None = None,
    batch_size: int = 2000,
    extra_organizations: int = 0,
    extra_staff: int = 0,
    history_days: int = 720,
) -> str:
    """Create the demo center; add `request_count` requests not already made by this seed.

    Finished requests spread over `history_days`; open ones over the last 60 days.
    """
    now = now or datetime.now(UTC)
    rng = random.Random(random_seed)
    talk = random.Random(random_seed + 1)  # its own stream: the stages and dates stay as they were
    tz = current_app.config["CENTER_TIMEZONE"]
    orgs, _requesters, _staff = _base_data()
    _extra_people(extra_organizations, extra_staff)
    orgs, requesters, staff = _base_data()
    _profiles(now)
    lead = db.session.scalar(select(User).where(User.role == Role.LEAD.value))
    topic_ids = list(db.session.scalars(select(Topic.id).order_by(Topic.id)))
    program_ids = list(db.session.scalars(select(GrantProgram.id).order_by(GrantProgram.id)))
    prefix = f"demo-{random_seed}-"
    have = db.session.scalar(select(func.count()).where(TARequest.submission_token.like(prefix + "%")))
    next_id = (db.session.scalar(select(func.max(TARequest.id))) or 0) + 1
    todo = range(have, request_count)
    org_by_id = {org.id: org for org in db.session.scalars(select(Organization))}
    next_request = _history(rng, request_count, len(staff), history_days)
    for start in range(0, len(todo), batch_size):
        rows, links, changes, assignments, activities, surveys, messages = [], [], [], [], [], [], []
        for i in todo[start : start + batch_size]:
            requester = requesters[i % len(requesters)] if i % 3 else requesters[0]
            requester_org = org_by_id[requester.organization_id]
            stage, days_ago = next_request(i)
            submitted = now - timedelta(days=days_ago)
            path = PATHS[stage]
            assignee = rng.choice(staff) if Stage.ASSIGNED in path else None
            request_id = next_id
            next_id += 1
            rows.append(
                {
                    "id": request_id,
                    "reference": f"TA-{submitted.year}-{request_id:04d}",
                    "submission_token": f"{prefix}{i}",
                    "title": rng.choice(TITLES),
                    "description": "We would like help to plan and carry out this work with our "
                    "partners over the next few months.",
                    "desired_outcome": "A plan our partners agree on.",
                    "program_id": rng.choice(program_ids),
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
            for topic_id in rng.sample(topic_ids, rng.randint(1, 3)):
                links.append({"ta_request_id": request_id, "topic_id": topic_id})
            at, previous = submitted, None
            row = rows[-1]
            for step in path:
                _record_milestone(row, step, at, tz)
                actor = (
                    requester
                    if step == Stage.SUBMITTED
                    else (assignee if step in (Stage.IN_PROGRESS, Stage.DELIVERED, Stage.CLOSED) else lead)
                )
                changes.append(
                    {
                        "ta_request_id": request_id,
                        "from_stage": previous,
                        "to_stage": step.value,
                        "actor_id": actor.id,
                        "created_at": at,
                        "note": "Reason recorded at triage."
                        if step in (Stage.DECLINED, Stage.REFERRED)
                        else "",
                    }
                )
                if step == Stage.ASSIGNED:
                    assignments.append(
                        {
                            "ta_request_id": request_id,
                            "assignee_id": assignee.id,
                            "assigned_by_id": lead.id,
                            "assigned_at": at,
                            "note": "",
                        }
                    )
                previous = step.value
                at = min(now, at + timedelta(hours=rng.uniform(2, 96)))
            _delivery(rng, row, assignee, tz, now, activities, surveys)
            _conversation(talk, row, requester, assignee, now, messages)
        db.session.execute(insert(TARequest), rows)
        db.session.execute(insert(ta_request_topic), links)
        db.session.execute(insert(StageChange), changes)
        if assignments:
            db.session.execute(insert(Assignment), assignments)
        if activities:
            db.session.execute(insert(TAActivity), activities)
        if surveys:
            db.session.execute(insert(SurveyResponse), surveys)
        if messages:
            db.session.execute(insert(Message), messages)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequence behind
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('ta_request', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM ta_request))"
            )
        )
    db.session.commit()
    if todo:
        _settle()
    total = db.session.scalar(select(func.count()).select_from(TARequest))
    org_total = db.session.scalar(select(func.count()).select_from(Organization))
    return f"{org_total} organizations, {len(PEOPLE)} demo logins, {total} requests"
