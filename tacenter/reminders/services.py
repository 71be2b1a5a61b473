"""Running a reminder sweep: find what is due, claim each episode once, tell the right people.

A sweep walks its candidates in batches by id (bounded memory), and commits each
batch. The claim is an INSERT .. ON CONFLICT DO NOTHING into reminder_sent, in the
same transaction as the notifications it causes: a second beat or an overlapping
sweep loses the race and sends nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import current_app
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.notifications.models import EmailMode
from tacenter.notifications.services import active_leads, email_modes, notify
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.rules import ESCALATES, Kind, setting
from tacenter.reminders.sweeps import SWEEPS, Context, Due
from tacenter.routing.cover import covers_on
from tacenter.timeliness.queries import targets_table


def claim_all(dues: list[Due], *, now: datetime) -> set[tuple[int, str, str]]:
    """Record these reminder episodes in one statement; returns the keys this call recorded
    (an episode already recorded, by anyone, ever, is left out)."""
    if not dues:
        return set()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    rows = [{"ta_request_id": d.ta_request_id, "kind": d.kind.value, "episode": d.episode, "sent_at": now}
            for d in dues]  # fmt: skip
    statement = (
        dialect.insert(ReminderSent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["ta_request_id", "kind", "episode"])
        # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
        .returning(ReminderSent.ta_request_id, ReminderSent.kind, ReminderSent.episode)
    )  # fmt: skip
    return {tuple(row) for row in db.session.execute(statement)}


def claim(due: Due, *, now: datetime) -> bool:
    """Record one reminder episode; False if it was already recorded."""
    return bool(claim_all([due], now=now))


def _already_sent(dues: list[Due]) -> dict[tuple[int, str, str], datetime]:
    """(request, kind, episode) -> when, for the episodes among `dues` already recorded."""
    rows = db.session.execute(
        select(
            ReminderSent.ta_request_id, ReminderSent.kind, ReminderSent.episode, ReminderSent.sent_at
        ).where(
            ReminderSent.ta_request_id.in_({d.ta_request_id for d in dues}),
            ReminderSent.kind.in_(
                {d.kind.value for d in dues} | {first.value for first, _ in ESCALATES.values()}
            ),
        )
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


MESSAGES = {
    Kind.UNTRIAGED: "{ref} has had no response yet and is past its first-response target.",
    Kind.UNASSIGNED: "{ref} is not assigned yet and is past its assignment target.",
    Kind.STALE_ASSIGNEE: "{ref} has had no activity for {stale} business days. Please update it.",
    Kind.STALE_LEAD: "{ref}, assigned to {assignee}, has had no activity for {escalate} business days.",
    Kind.WAITING_NUDGE: "We are waiting for your answer on {ref}. Please reply so we can continue.",
    Kind.NEEDED_BY_SOON: "{ref} is needed by {needed_by}.",
    Kind.NEEDED_BY_PASSED: "{ref} was needed by {needed_by} and is not delivered yet.",
    Kind.SURVEY: "Please tell us how the help on {ref} went: a short survey.",
}


# What the requester reads, in their language (the others above go to staff, in English).
REQUESTER_MESSAGES = {
    Kind.WAITING_NUDGE: _l("We are waiting for your answer on %(ref)s. Please reply so we can continue."),
    Kind.SURVEY: _l("Please tell us how the help on %(ref)s went: a short survey."),
}


def _audience(
    kind: Kind, ta_request: TARequest, leads: list[User], cover: dict[int, User]
) -> list[tuple[User, bool]]:
    """(recipient, mandatory): reminders about a person's own late work cannot be turned off.
    An assignee away today with a backup: the backup gets them (`cover`, from routing.cover)."""
    holder = cover.get(ta_request.assignee_id) or ta_request.assignee
    assignee = [(holder, True)] if holder else []
    others = [
        (lead, False) for lead in leads if lead.id not in (ta_request.assignee_id, holder and holder.id)
    ]
    if kind in (Kind.UNTRIAGED, Kind.UNASSIGNED, Kind.STALE_LEAD):
        return others
    if kind == Kind.STALE_ASSIGNEE:
        return assignee
    if kind in (Kind.NEEDED_BY_SOON, Kind.NEEDED_BY_PASSED):
        return assignee + others
    return [(ta_request.requester, False)]


def send_reminder(
    due: Due, *, leads: list[User], modes: dict, now: datetime, cover: dict[int, User] | None = None
) -> int:
    """Notify everyone this episode concerns, in the caller's transaction; returns how many."""
    ta_request = db.session.get(TARequest, due.ta_request_id)
    cover = cover or {}
    message = MESSAGES[due.kind].format(
        ref=ta_request.reference,
        stale=setting("REMINDER_STALE_DAYS"),
        escalate=setting("REMINDER_STALE_DAYS") + setting("REMINDER_ESCALATE_DAYS"),
        assignee=ta_request.assignee.name if ta_request.assignee else "no one",
        needed_by=ta_request.needed_by.strftime("%b %-d, %Y") if ta_request.needed_by else "",
    )
    if due.kind in REQUESTER_MESSAGES:
        template, ref = REQUESTER_MESSAGES[due.kind], ta_request.reference
        message = LazyString(lambda: str(template) % {"ref": ref})
    audience = _audience(due.kind, ta_request, leads, cover)
    for user, mandatory in audience:
        covering = ta_request.assignee_id in cover and user.id == cover[ta_request.assignee_id].id
        notify(
            user,
            "reminder",
            f"{message} (You are covering for {ta_request.assignee.name}.)" if covering else message,
            ta_request=ta_request,
            context={"reminder_kind": due.kind.value},
            mandatory=mandatory,
            mode=modes.get(user.id, EmailMode.IMMEDIATELY),
            now=now,
        )
    return len(audience)


def covering_backups(today) -> dict[int, User]:
    """Away assignee's id -> the backup who gets their reminders today (routing.cover's rule)."""
    covers = covers_on(today)
    backups = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_({c.backup_id for c in covers.values()})))
    }
    return {away_id: backups[c.backup_id] for away_id, c in covers.items()}


def _close_unanswered(due: Due, *, now: datetime) -> bool:
    from tacenter.workflow.automatic import close_unanswered

    try:
        if not claim(due, now=now):
            db.session.rollback()
            return False
        close_unanswered(due.ta_request_id, now=now)  # commits the claim with the close
        return True
    except DomainError:  # changed meanwhile (the requester answered): next sweep decides again
        db.session.rollback()
        return False


def run_sweep(name: str, *, now: datetime | None = None) -> Counter:
    """Run one reminder sweep (see SWEEPS); returns counts: candidates, reminders, notices, closed."""
    now = now or utcnow()
    sweep = SWEEPS[name]
    ctx = Context(now=now, tz=current_app.config["CENTER_TIMEZONE"], targets=targets_table())
    leads, modes, stats, last_id = active_leads(), email_modes(), Counter(), 0
    cover = covering_backups(ctx.today)
    batch = setting("REMINDER_BATCH")
    query = sweep.candidates(ctx)
    while True:
        rows = db.session.execute(
            query.where(TARequest.id > last_id).order_by(TARequest.id).limit(batch)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        stats["candidates"] += len(rows)
        dues = [due for row in rows for due in sweep.decide(row, ctx)]
        sent = _already_sent(dues) if dues else {}
        # One query loads every request this batch reminds about (kept referenced meanwhile).
        loaded = list(
            db.session.scalars(select(TARequest).where(TARequest.id.in_({d.ta_request_id for d in dues})))
        )
        closes, fresh = [], []
        for due in dues:
            if (due.ta_request_id, due.kind.value, due.episode) in sent:
                continue
            if due.kind in ESCALATES:
                # Its grace period runs from the reminder it escalates, sent in an earlier sweep.
                first, grace = ESCALATES[due.kind]
                reminded = sent.get((due.ta_request_id, first.value, due.episode))
                if reminded is None or ctx.today < ctx.due(reminded, setting(grace)):
                    continue
            (closes if due.kind == Kind.WAITING_CLOSE else fresh).append(due)
        claimed = claim_all(fresh, now=now)  # a concurrent sweep's claims are left out here
        for due in fresh:
            if (due.ta_request_id, due.kind.value, due.episode) in claimed:
                stats["reminders"] += 1
                stats["notices"] += send_reminder(due, leads=leads, modes=modes, now=now, cover=cover)
        db.session.commit()
        del loaded
        stats["closed"] += sum(_close_unanswered(due, now=now) for due in closes)
        # Committed rows are expired and only weakly held by the session: memory stays bounded.
    return stats
