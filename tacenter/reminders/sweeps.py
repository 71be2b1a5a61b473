"""Which requests are due which reminder: SQL pre-filters and pure per-row decisions.

The SQL pre-filter only uses calendar days (a necessary condition: N business days
take at least N calendar days), so the candidate set stays small and indexed; the
exact business-day rule is decided per row in Python, in the center's time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Select, exists, select

from tacenter.intake.models import TARequest
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.rules import Kind, setting
from tacenter.surveys.models import SurveySubmission
from tacenter.timeliness.business_days import add_business_days, is_business_day, local_date
from tacenter.timeliness.targets import Target
from tacenter.workflow.rules import Stage

COLUMNS = (
    TARequest.id,
    TARequest.stage,
    TARequest.tier,
    TARequest.urgency,
    TARequest.submitted_at,
    TARequest.updated_at,
    TARequest.waiting_since,
    TARequest.waiting_days,
    TARequest.needed_by,
    TARequest.first_response_at,
    TARequest.assigned_at,
)


@dataclass(frozen=True)
class Due:
    ta_request_id: int
    kind: Kind
    episode: str


@dataclass
class Context:
    now: datetime
    tz: str
    targets: dict[tuple[str, str], Target]

    @property
    def today(self) -> date:
        return local_date(self.now, self.tz)

    def due(self, start: datetime, days: int) -> date:
        return _due(local_date(start, self.tz), days)


@lru_cache(maxsize=4096)
def _due(start: date, days: int) -> date:
    # Many rows share a start date; add_business_days only needs the local date.
    from datetime import UTC, time

    return add_business_days(datetime.combine(start, time(12), tzinfo=UTC), days, tz="UTC")


def business_days_until(today: date, day: date) -> int:
    count, cursor = 0, today
    while cursor < day:
        cursor += timedelta(days=1)
        count += is_business_day(cursor)
    return count


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


@dataclass(frozen=True)
class Sweep:
    """One reminder sweep: its candidates query and the decision for one candidate row."""

    name: str
    kinds: tuple[Kind, ...]
    candidates: Callable[[Context], Select]
    decide: Callable[[object, Context], list[Due]]


def _target(row, ctx: Context) -> Target:
    return ctx.targets.get((row.tier, row.urgency)) or next(iter(ctx.targets.values()))


def _untriaged_query(ctx: Context) -> Select:
    fewest = min(t.first_response_days for t in ctx.targets.values())
    return select(*COLUMNS).where(
        TARequest.stage.in_([Stage.SUBMITTED, Stage.TRIAGE]),
        TARequest.submitted_at <= ctx.now - timedelta(days=fewest),
    )


def _untriaged(row, ctx: Context) -> list[Due]:
    target, found = _target(row, ctx), []
    pause = row.waiting_days or 0
    if row.first_response_at is None and ctx.today > ctx.due(
        row.submitted_at, target.first_response_days + pause
    ):
        found.append(Due(row.id, Kind.UNTRIAGED, _stamp(row.submitted_at)))
    if row.assigned_at is None and ctx.today > ctx.due(row.submitted_at, target.assignment_days + pause):
        found.append(Due(row.id, Kind.UNASSIGNED, _stamp(row.submitted_at)))
    return found


def _stale_query(ctx: Context) -> Select:
    return select(*COLUMNS).where(
        TARequest.stage.in_([Stage.ASSIGNED, Stage.IN_PROGRESS]),
        TARequest.assignee_id.is_not(None),
        TARequest.updated_at <= ctx.now - timedelta(days=setting("REMINDER_STALE_DAYS")),
    )


def _stale(row, ctx: Context) -> list[Due]:
    days, found = setting("REMINDER_STALE_DAYS"), []
    if ctx.today >= ctx.due(row.updated_at, days):
        found.append(Due(row.id, Kind.STALE_ASSIGNEE, _stamp(row.updated_at)))
    if ctx.today >= ctx.due(row.updated_at, days + setting("REMINDER_ESCALATE_DAYS")):
        found.append(Due(row.id, Kind.STALE_LEAD, _stamp(row.updated_at)))
    return found


def _waiting_query(ctx: Context) -> Select:
    return select(*COLUMNS).where(
        TARequest.stage == Stage.WAITING_ON_REQUESTER,
        TARequest.waiting_since <= ctx.now - timedelta(days=setting("REMINDER_WAITING_NUDGE_DAYS")),
    )


def _waiting(row, ctx: Context) -> list[Due]:
    nudge, found = setting("REMINDER_WAITING_NUDGE_DAYS"), []
    if ctx.today >= ctx.due(row.waiting_since, nudge):
        found.append(Due(row.id, Kind.WAITING_NUDGE, _stamp(row.waiting_since)))
    if ctx.today >= ctx.due(row.waiting_since, nudge + setting("REMINDER_WAITING_CLOSE_DAYS")):
        found.append(Due(row.id, Kind.WAITING_CLOSE, _stamp(row.waiting_since)))
    return found


def _needed_by_query(ctx: Context) -> Select:
    horizon = ctx.today + timedelta(days=2 * setting("REMINDER_NEEDED_BY_WARN_DAYS") + 5)
    return select(*COLUMNS).where(
        TARequest.stage.in_([Stage.SUBMITTED, Stage.TRIAGE, Stage.ASSIGNED, Stage.IN_PROGRESS]),
        TARequest.needed_by.is_not(None),
        TARequest.needed_by <= horizon,
    )


def _needed_by(row, ctx: Context) -> list[Due]:
    episode = row.needed_by.isoformat()
    if ctx.today > row.needed_by:
        return [Due(row.id, Kind.NEEDED_BY_PASSED, episode)]
    if business_days_until(ctx.today, row.needed_by) <= setting("REMINDER_NEEDED_BY_WARN_DAYS"):
        return [Due(row.id, Kind.NEEDED_BY_SOON, episode)]
    return []


def _survey_query(ctx: Context) -> Select:
    def sent(kind: Kind):
        return exists().where(ReminderSent.ta_request_id == TARequest.id, ReminderSent.kind == kind)

    return select(*COLUMNS).where(
        TARequest.stage == Stage.CLOSED,
        TARequest.finished_at <= ctx.now - timedelta(days=setting("REMINDER_SURVEY_DAYS")),
        # Within the window only: a survey about help closed long ago is no longer news.
        TARequest.finished_at >= ctx.now - timedelta(days=setting("REMINDER_SURVEY_WINDOW_DAYS")),
        ~exists().where(
            SurveySubmission.ta_request_id == TARequest.id, SurveySubmission.purpose == "post_request"
        ),
        ~sent(Kind.SURVEY),
        ~sent(Kind.WAITING_CLOSE),  # closed for want of an answer: no survey
    )


def _survey(row, ctx: Context) -> list[Due]:
    return [Due(row.id, Kind.SURVEY, "once")]


SWEEPS = {
    s.name: s
    for s in (
        Sweep("untriaged", (Kind.UNTRIAGED, Kind.UNASSIGNED), _untriaged_query, _untriaged),
        Sweep("stale", (Kind.STALE_ASSIGNEE, Kind.STALE_LEAD), _stale_query, _stale),
        Sweep("waiting", (Kind.WAITING_NUDGE, Kind.WAITING_CLOSE), _waiting_query, _waiting),
        Sweep("needed_by", (Kind.NEEDED_BY_SOON, Kind.NEEDED_BY_PASSED), _needed_by_query, _needed_by),
        Sweep("survey", (Kind.SURVEY,), _survey_query, _survey),
    )
}
