"""Idempotent demo data: the entry point that seeds each part of the demo in order.

Each part lives in its own module (people, profiles, history, activity, reminder_history); a new part
is a module with a seeding function, called from `seed_demo` after the parts it needs.
Requests are inserted in bulk (not through the intake service) so that benchmarks can
seed 100,000 of them quickly; their history is consistent with the workflow table.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, insert, select, text

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.conversation.models import Message
from tacenter.delivery.models import TAActivity
from tacenter.demo.event_follow_ups import seed_event_follow_ups
from tacenter.demo.event_surveys import seed_event_answers
from tacenter.demo.group_ta import seed_group_ta
from tacenter.demo.history import Batch, Seeding, add_request, stage_and_age
from tacenter.demo.identity import seed_two_factor
from tacenter.demo.outcomes import insert_surveys, seed_follow_ups, seed_objectives
from tacenter.demo.people import DEMO_PASSWORD, PEOPLE, base_data, extra_people
from tacenter.demo.profiles import seed_profiles
from tacenter.demo.reminder_history import record_reminder_history
from tacenter.demo.roster import seed_roster
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.vocab import Role
from tacenter.workflow.models import Assignment, StageChange

__all__ = ["DEMO_PASSWORD", "seed_demo"]


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
        # A SQLite connection reads the statistics when it loads the schema: pooled connections
        # opened before keep the old figures (a test's earlier seed), so the pool starts afresh.
        db.engine.dispose()


def _insert(batch: Batch) -> None:
    db.session.execute(insert(TARequest), batch.rows)
    db.session.execute(insert(ta_request_topic), batch.links)
    db.session.execute(insert(StageChange), batch.changes)
    for model, rows in (
        (Assignment, batch.assignments),
        (TAActivity, batch.activities),
        (Message, batch.messages),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    insert_surveys(batch.surveys)
    db.session.commit()


def _seed_requests(s: Seeding, requesters: list, request_count: int, batch_size: int, history_days: int):
    """Add the requests this seed has not made yet; returns how many it added."""
    have = db.session.scalar(select(func.count()).where(TARequest.submission_token.like(s.prefix + "%")))
    next_id = (db.session.scalar(select(func.max(TARequest.id))) or 0) + 1
    todo = range(have, request_count)
    org_by_id = {org.id: org for org in db.session.scalars(select(Organization))}
    next_request = stage_and_age(s.rng, request_count, len(s.staff), history_days)
    for start in range(0, len(todo), batch_size):
        batch = Batch()
        for i in todo[start : start + batch_size]:
            requester = requesters[i % len(requesters)] if i % 3 else requesters[0]
            stage, days_ago = next_request(i)
            organization = org_by_id[requester.organization_id]
            add_request(s, batch, i, next_id, requester, organization, stage, days_ago)
            next_id += 1
        _insert(batch)
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequence behind
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('ta_request', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM ta_request))"
            )
        )
    db.session.commit()
    return len(todo)


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
    base_data()
    extra_people(extra_organizations, extra_staff)
    _orgs, requesters, staff = base_data()
    seed_two_factor()
    seed_profiles(now)
    seed_roster(now)
    seeding = Seeding(
        rng=random.Random(random_seed),
        talk=random.Random(random_seed + 1),
        tz=current_app.config["CENTER_TIMEZONE"],
        now=now,
        prefix=f"demo-{random_seed}-",
        lead=db.session.scalar(select(User).where(User.role == Role.LEAD.value)),
        staff=staff,
        topic_ids=list(db.session.scalars(select(Topic.id).order_by(Topic.id))),
        program_ids=list(db.session.scalars(select(GrantProgram.id).order_by(GrantProgram.id))),
    )
    seed_group_ta(now)
    seed_event_answers(now, random.Random(random_seed + 2))
    seed_event_follow_ups(now, random.Random(random_seed + 3))
    if _seed_requests(seeding, requesters, request_count, batch_size, history_days):
        record_reminder_history(now)
        seed_follow_ups(now, seeding.rng)
        seed_objectives(now, seeding.rng)
        _settle()
    total = db.session.scalar(select(func.count()).select_from(TARequest))
    org_total = db.session.scalar(select(func.count()).select_from(Organization))
    return f"{org_total} organizations, {len(PEOPLE)} demo logins, {total} requests"
