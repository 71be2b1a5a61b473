"""Who covers for whom: a specialist away today is covered by their backup.

One rule, read by the caseload (the backup sees what needs action, "covering for"), the
reminder sweeps (the backup gets the reminders) and routing (the backup is suggested when
the best match is away). A backup who is away too, or no longer active, covers for no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.routing.models import StaffAbsence, StaffProfile


@dataclass(frozen=True)
class Cover:
    away_id: int
    away_name: str
    backup_id: int


def _away_on(user_id, today: date):
    return exists().where(
        StaffAbsence.user_id == user_id, StaffAbsence.starts_on <= today, StaffAbsence.ends_on >= today
    )


def covers_query(today: date, *, backup_id: int | None = None):
    """(away id, away name, backup id) of everyone away on `today` whose backup can cover (or only
    those `backup_id` covers for), as a statement (the caseload reads it as a subquery)."""
    away, backup = aliased(User), aliased(User)
    query = (
        select(away.id, away.name, backup.id)
        .join(StaffProfile, StaffProfile.user_id == away.id)
        .join(backup, backup.id == StaffProfile.backup_user_id)
        .where(_away_on(away.id, today), backup.active, ~_away_on(backup.id, today))
    )
    if backup_id is not None:
        query = query.where(backup.id == backup_id)
    return query


def covers_on(today: date, *, backup_id: int | None = None) -> dict[int, Cover]:
    """Away person's id -> their cover, for everyone away on `today` whose backup can cover
    (or only those `backup_id` covers for): one query."""
    return {row[0]: Cover(*row) for row in db.session.execute(covers_query(today, backup_id=backup_id))}
