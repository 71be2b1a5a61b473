"""R10: reminder timeliness over a day of simulated time (quality.md R10).

Requests are submitted (through the intake service, with the clock moved back) so that their
"no first response" reminder comes due inside the simulated day. Reminders are decided per
business day in the center's time zone, so an episode comes due at the local midnight that
starts the first day past its target; `due_at` is computed here from the targets and the
business-day calendar, independently of the sweep. Then every reminder sweep runs as the beat
runs it, once a minute of simulated time, for the whole day. The clock moves on by a minute, or
by the real time the sweeps took when that is longer (a slow sweep delays the next one).

Pass marks: every due reminder recorded and notified exactly once, none before it was due,
none due later than the window, and lateness p99 <= 2 minutes.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from sqlalchemy import func, select

from tacenter.notifications.models import Notification
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.rules import Kind
from tacenter.reminders.services import run_sweep
from tacenter.reminders.sweeps import _due
from tacenter.timeliness.queries import targets_table
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit
from tests.figures import FIGURES

SWEEPS = ("untriaged", "stale", "waiting", "needed_by", "survey")  # the beat's remind-* entries
# Monday 20:00 in New York: the local midnight that makes Monday's dues late comes 4 hours in.
START = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)


def due_at(submitted: datetime, days: int, tz: str) -> datetime:
    """The local midnight that starts the first day past `days` business days from `submitted`."""
    zone = ZoneInfo(tz)
    last_day = _due(submitted.astimezone(zone).date(), days)
    return datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)


def seed(count: int, window: timedelta) -> dict[int, datetime]:
    """`count` requests whose first-response reminder comes due in [START, START + window) and
    whose assignment reminder does not: request id -> due_at."""
    tz = current_app.config["CENTER_TIMEZONE"]
    target = targets_table()[("targeted", "routine")]  # the factories' requests
    topic, requester = TopicFactory(), RequesterFactory()
    pick, chosen = random.Random(10), []
    for _ in range(200_000):
        if len(chosen) == count:
            break
        submitted = START - timedelta(minutes=pick.randrange(1, 14 * 24 * 60))
        first = due_at(submitted, target.first_response_days, tz)
        assigned = due_at(submitted, target.assignment_days, tz)
        if START <= first < START + window - timedelta(minutes=2) and assigned >= START + window:
            chosen.append((submitted, first))
    assert len(chosen) == count, "no submission time makes a reminder due in the window"
    dues = {}
    for submitted, first in chosen:
        dues[submit(requester, topic, now=submitted).id] = first
    return dues


def run_day(dues: dict[int, datetime], window: timedelta, db_session) -> dict:
    now, end, sweeps, slow = START, START + window, 0, 0
    lateness: dict[int, float] = {}
    while now < end:
        began = time.monotonic()
        for name in SWEEPS:
            run_sweep(name, now=now)
        took = time.monotonic() - began
        sweeps += 1
        # Reminders this minute's sweeps recorded: late by the simulated wait plus the real time
        # the sweeps took (an upper bound for every batch of this run).
        recorded = db_session.scalars(
            select(ReminderSent.ta_request_id).where(ReminderSent.kind == Kind.UNTRIAGED.value)
        )
        for request_id in set(recorded) - set(lateness):
            if request_id in dues:
                lateness[request_id] = (now - dues[request_id]).total_seconds() + took
        slow += took > 60
        now += timedelta(seconds=max(60.0, took))
    rows = db_session.scalar(select(func.count()).select_from(ReminderSent))
    notices = db_session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "reminder")
    )
    ordered = sorted(lateness.values())
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] if ordered else None
    return {"sent": len(lateness), "rows": rows, "notices": notices, "p99": p99,
            "max": ordered[-1] if ordered else None, "early": sum(v < 0 for v in ordered),
            "sweeps": sweeps, "slow": slow}  # fmt: skip


def check(dues, figures, leads: int, label: str) -> None:
    FIGURES.append(
        f"R10 reminder timeliness ({label}): {len(dues)} due, {figures['sent']} sent, "
        f"{figures['rows']} recorded, "
        f"{figures['notices']} notices; lateness p99 {figures['p99']:.1f} s, max {figures['max']:.1f} s, "
        f"{figures['early']} early; {figures['sweeps']} beat minutes, {figures['slow']} over a minute"
    )
    assert figures["sent"] == len(dues)  # 100 % sent
    assert figures["rows"] == len(dues)  # nothing else came due, nothing twice
    assert figures["notices"] == len(dues) * leads
    assert figures["early"] == 0
    assert figures["p99"] <= 120


def _run(db_session, count: int, hours: int, label: str) -> None:
    leads = [UserFactory(role="lead"), UserFactory(role="lead")]
    window = timedelta(hours=hours)
    dues = seed(count, window)
    check(dues, run_day(dues, window, db_session), len(leads), label)


def test_reminders_come_due_overnight_and_go_out_within_two_minutes(db_session):
    _run(db_session, 100, 6, "short: 100 reminders, 6 simulated hours")


@pytest.mark.soak
def test_a_thousand_reminders_over_24_simulated_hours(db_session):
    _run(db_session, 1000, 24, "soak: 1,000 reminders, 24 simulated hours")
