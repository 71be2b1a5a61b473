"""Read-only: the targets in force (admin rows over the defaults) and each request's standing."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.timeliness.models import TimelinessTarget
from tacenter.timeliness.targets import DEFAULTS, Assessment, Target, assess


def targets_table() -> dict[tuple[str, str], Target]:
    """Every (tier, urgency) with its target: one query, at most nine rows."""
    table = dict(DEFAULTS)
    for row in db.session.scalars(select(TimelinessTarget)):
        table[(row.tier, row.urgency)] = Target(
            row.first_response_days, row.assignment_days, row.delivery_days
        )
    return table


def target_for(ta_request, table: dict | None = None) -> Target:
    table = table if table is not None else targets_table()
    return table.get((ta_request.tier, ta_request.urgency), DEFAULTS[("targeted", "routine")])


def assess_requests(ta_requests, *, now: datetime | None = None) -> dict[int, Assessment]:
    """Standing of each request by id, with one query for the targets."""
    now = now or utcnow()
    table = targets_table()
    tz = current_app.config["CENTER_TIMEZONE"]
    return {r.id: assess(r, target_for(r, table), now=now, tz=tz) for r in ta_requests}
