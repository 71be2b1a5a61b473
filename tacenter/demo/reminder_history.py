"""The reminders the demo center's sweeps would already have sent, written into its history.

A center that has run all along has reminder_sent rows for every episode that fell due:
without them, the first sweep after seeding would send every reminder of two years at once.
Each episode is recorded (no notification: that news is old) at the moment the sweep's own
rule first made it due, found by bisection on that rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.extensions import db
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.rules import Kind
from tacenter.reminders.sweeps import SWEEPS, Context, Due, Sweep
from tacenter.timeliness.queries import targets_table

PRECISION = timedelta(minutes=15)


def _first_due(sweep: Sweep, row, due: Due, ctx: Context) -> datetime:
    """The earliest moment (to PRECISION) at which `sweep` decides `due` for `row`: each rule
    is monotone in time within one episode (the episode's start is fixed), so bisect."""
    early, late = row.submitted_at, ctx.now  # nothing is due before the request exists
    while late - early > PRECISION:
        middle = early + (late - early) / 2
        probe = Context(now=middle, tz=ctx.tz, targets=ctx.targets)
        if due in sweep.decide(row, probe):
            late = middle
        else:
            early = middle
    return late


def record_reminder_history(now: datetime) -> int:
    """Record every reminder episode due at `now` and not yet recorded; returns how many."""
    ctx = Context(now=now, tz=current_app.config["CENTER_TIMEZONE"], targets=targets_table())
    rows = []
    for sweep in SWEEPS.values():
        for row in db.session.execute(sweep.candidates(ctx)):
            for due in sweep.decide(row, ctx):
                if due.kind == Kind.WAITING_CLOSE:  # a close is a stage change, not history to write
                    continue
                sent_at = _first_due(sweep, row, due, ctx)
                rows.append({"ta_request_id": due.ta_request_id, "kind": due.kind.value,
                             "episode": due.episode, "sent_at": sent_at})  # fmt: skip
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), 500):
        # An episode already recorded (a second seed over the same requests) is left alone.
        db.session.execute(
            dialect.insert(ReminderSent)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["ta_request_id", "kind", "episode"])
        )
    db.session.commit()
    return len(rows)
