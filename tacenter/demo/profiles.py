"""The demo staff's routing profiles: expertise, states, programs, capacity and time away."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db

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


def seed_profiles(now: datetime) -> None:
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
