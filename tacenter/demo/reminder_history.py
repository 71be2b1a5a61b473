"""The reminders the demo center's sweeps would already have sent, written into its history.

A center that has run all along has reminder_sent rows for every episode that fell due:
without them, the first sweep after seeding would send every reminder of two years at once.
Each episode is recorded (no notification: that news is old) at the moment the sweep's own
rule first made it due, found by bisection on that rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app

from tacenter.extensions import db
from tacenter.reminders.rules import Kind
from tacenter.reminders.services import claim_all
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
    by_moment: dict[datetime, list[Due]] = defaultdict(list)
    for sweep in SWEEPS.values():
        for row in db.session.execute(sweep.candidates(ctx)):
            for due in sweep.decide(row, ctx):
                if due.kind == Kind.WAITING_CLOSE:  # a close is a stage change, not history to write
                    continue
                by_moment[_first_due(sweep, row, due, ctx)].append(due)
    recorded = sum(len(claim_all(dues, now=moment)) for moment, dues in sorted(by_moment.items()))
    db.session.commit()
    return recorded
