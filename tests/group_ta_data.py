"""Randomized group TA data beside the report data: events of every type and status, several
facilitators, attendance by organizations that also request TA and by some that never do."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance, EventFacilitator, event_topic
from tacenter.registry.models import Grant
from tests.factories import OrganizationFactory

TYPES = ("training", "ta", "meeting")
TIERS = ("universal", "targeted", "intensive")


def build(seed: int, made: dict, count: int = 30) -> dict:
    """Add `count` events to the report data `made` (reports_data.build's return)."""
    rng = random.Random(seed * 31 + 7)
    orgs = list(made["orgs"]) + [
        OrganizationFactory(state=s, org_type=rng.choice(["tribal", "state_agency", "other"]))
        for s in ("AZ", "PR", "NM")
    ]  # the last three never request: they are reached only through events
    grants = [
        {"grant_number": f"SM-{seed}-{i}", "organization_id": org.id,
         "program_id": made["programs"][i % 2].id, "project_start": date(2024, 10, 1),
         "project_end": date(2028, 9, 30)}
        for i, org in enumerate(orgs) if i % 3 != 2
    ]  # fmt: skip
    if not db.session.scalar(select(Grant.id).where(Grant.grant_number == grants[0]["grant_number"])):
        db.session.execute(insert(Grant), grants)
    base_id = 500000 + seed * 1000
    events, facilitators, attendance, links = [], [], [], []
    today = made["today"]
    for i in range(count):
        event_id = base_id + i
        day = today - timedelta(days=rng.randint(-30, 700))
        status = "planned" if day > today else rng.choice(["delivered", "delivered", "delivered", "planned"])
        events.append({
            "id": event_id, "title": f"Event {i}", "description": "", "event_type": rng.choice(TYPES),
            "tier": rng.choice(TIERS), "language": "en", "mode": "virtual", "in_person_count": 0,
            "virtual_count": 0, "event_date": day, "duration_hours": Decimal(rng.randint(1, 16)) / 4,
            "status": status, "non_grantee_count": rng.randint(0, 40),
            "owner_id": made["staff"][0].id, "version": 1, "created_at": made["now"],
            "updated_at": made["now"],
        })  # fmt: skip
        for person in rng.sample(made["staff"], rng.randint(1, 3)):
            facilitators.append({"event_id": event_id, "user_id": person.id})
        for org in rng.sample(orgs, rng.randint(0, len(orgs))):
            attendance.append({"event_id": event_id, "organization_id": org.id,
                               "participant_count": rng.randint(1, 60), "roles": ""})  # fmt: skip
        for topic in rng.sample(made["topics"], rng.randint(0, 2)):
            links.append({"event_id": event_id, "topic_id": topic.id})
    for table, rows in ((Event, events), (EventFacilitator, facilitators), (EventAttendance, attendance),
                        (event_topic, links)):  # fmt: skip
        if rows:
            db.session.execute(insert(table), rows)
    db.session.commit()
    return {**made, "all_orgs": orgs}


def raw_events() -> list[dict]:
    """Every event with its facilitators, attendance and topics, straight from the tables."""
    events = {e["id"]: {**e, "facilitators": set(), "attendance": [], "topics": set()}
              for e in (dict(r._mapping) for r in db.session.execute(select(Event.__table__)))}  # fmt: skip
    for event_id, user_id in db.session.execute(select(EventFacilitator.event_id, EventFacilitator.user_id)):
        events[event_id]["facilitators"].add(user_id)
    for row in db.session.execute(select(EventAttendance.__table__)):
        events[row.event_id]["attendance"].append((row.organization_id, row.participant_count))
    for event_id, topic_id in db.session.execute(select(event_topic)):
        events[event_id]["topics"].add(topic_id)
    return list(events.values())
