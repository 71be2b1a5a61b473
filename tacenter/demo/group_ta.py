"""The demo's group TA: a financing policy cohort of several states with sessions, and a few
standalone events (a webinar attended by many organizations). Made through the group TA
services, once (the cohort's name is the marker)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import Topic
from tacenter.delivery.plans import add_goal
from tacenter.extensions import db
from tacenter.group_ta import collaboratives, services
from tacenter.group_ta.materials import add_material
from tacenter.group_ta.models import Collaborative
from tacenter.intake.models import TARequest
from tacenter.outcomes.objectives import add_objective, update_objective
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

COHORT = "Financing policy cohort"
SUBJECTS = ("billing codes", "state plan amendments", "rates", "workforce")


def _email(address: str) -> User:
    return db.session.scalar(select(User).where(User.email == address))


# Objectives of each member's plan by status, so the cohort page shows members' progress.
PROGRESS = (("met", "in_progress", "not_started"), ("in_progress", "not_started"), ("met", "met", "dropped"))


def _seed_member_objectives(members, lead: User, now: datetime) -> None:
    for i, member in enumerate(members):
        reference = db.session.get(TARequest, member.ta_request_id).reference
        goal = add_goal(reference, "Medicaid pays for dyadic IECMH services", actor=lead, now=now)
        for n, status in enumerate(PROGRESS[i % len(PROGRESS)]):
            found = add_objective(reference, goal.id, f"Financing step {n + 1}", target_date=None,
                                  actor=lead, now=now)  # fmt: skip
            if status != "not_started":
                update_objective(reference, found.id, status, note="Cohort check-in",
                                 evidence="Meeting notes", actor=lead, now=now)  # fmt: skip


def _held(day, now: datetime) -> datetime:
    """Marked delivered on the evening it was held (follow-ups count from then), never later than now."""
    return min(now, datetime.combine(day, time(20), UTC))


def seed_group_ta(now: datetime) -> None:
    """Seed the cohort and the events unless a previous run did."""
    if db.session.scalar(select(Collaborative.id).where(Collaborative.name == COHORT)):
        return
    today = local_date(now, current_app.config["CENTER_TIMEZONE"])
    lead = db.session.scalar(select(User).where(User.role == Role.LEAD.value).order_by(User.id))
    sam, priya, luis = (_email(f"staff{n}@demo.tacenter.org") for n in ("", "2", "3"))
    # One grantee on the roster stays unreached, so the roster comparison shows one with no TA.
    everyone = db.session.scalars(select(Organization).order_by(Organization.id))
    orgs = [o for o in everyone if "Navajo" not in o.name]
    topics = {t.name.lower(): t.id for t in db.session.scalars(select(Topic))}
    financing = next((i for name, i in topics.items() if "financing" in name), None)
    cohort = collaboratives.create_collaborative(
        collaboratives.CollaborativeValues(
            COHORT, sam.id, today - timedelta(days=120), today + timedelta(days=240), financing,
            "States building Medicaid financing for dyadic IECMH services, meeting monthly.",
        ),
        actor=lead,
        now=now,
    )  # fmt: skip
    members = orgs[:6]
    joined = [
        collaboratives.add_member(cohort.id, org.id, actor=lead, joined_on=cohort.start_date, now=now)
        for org in members
    ]
    _seed_member_objectives(joined[:-1], lead, now)  # the last member has no plan yet
    for n in range(4):  # three sessions held, the next one planned
        day = today - timedelta(days=90 - 30 * n)
        session = services.create_event(
            services.EventValues(
                f"Cohort session {n + 1}: {SUBJECTS[n]}",
                "ta", "intensive", day, "1.5", [sam.id, priya.id], topic_ids=[financing] if financing else [],
                start_time=time(14, 0), collaborative_id=cohort.id,
            ),
            actor=lead,
            now=now,
        )  # fmt: skip
        if day <= today:
            for i, org in enumerate(members):
                if (i + n) % 5:  # not every member comes to every session
                    people = 2 + (i % 3)
                    services.record_attendance(session.id, org.id, people, "Medicaid staff", version=None,
                                               actor=lead, now=now)  # fmt: skip
            services.mark_delivered(session.id, version=None, actor=lead, today=today, now=_held(day, now))
    webinar = services.create_event(
        services.EventValues(
            "DC:0-5 in practice (webinar)", "training", "universal", today - timedelta(days=20), "1",
            [luis.id, sam.id], start_time=time(13, 0), non_grantee_count=38, language="both",
            description="An introduction to the diagnostic classification for early childhood.",
        ),
        actor=lead,
        now=now,
    )  # fmt: skip
    for i, org in enumerate(orgs):
        services.record_attendance(webinar.id, org.id, 3 + i % 9, "clinicians; supervisors", version=None,
                                   actor=lead, now=now)  # fmt: skip
    services.mark_delivered(
        webinar.id, version=None, actor=lead, today=today, now=_held(webinar.event_date, now)
    )
    add_material(
        webinar.id, "Webinar slides", "https://www.zerotothree.org/resource/dc0-5/", actor=lead, now=now
    )
    training = services.create_event(
        services.EventValues(
            "Reflective supervision training", "training", "targeted", today - timedelta(days=45), "3",
            [priya.id], mode="hybrid", in_person_count=12, virtual_count=9,
        ),
        actor=lead,
        now=now,
    )  # fmt: skip
    for org in orgs[1:4]:
        services.record_attendance(training.id, org.id, 7, "home visitors", version=None, actor=lead, now=now)
    services.mark_delivered(
        training.id, version=None, actor=lead, today=today, now=_held(training.event_date, now)
    )
    services.create_event(
        services.EventValues(
            "Peer exchange: IECMH consultation", "meeting", "targeted", today + timedelta(days=10), "1",
            [sam.id], start_time=time(15, 30),
        ),
        actor=lead,
        now=now,
    )  # fmt: skip
