"""Options for the filter form: bounded lists read once per page."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.catalog.cache import cached
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.extensions import db
from tacenter.vocab import STAFF_SIDE, STATE_CHOICES, OrgType, Tier, choices


def _staff() -> tuple[tuple[int, str], ...]:
    rows = db.session.execute(
        select(User.id, User.name).where(User.role.in_([r.value for r in STAFF_SIDE])).order_by(User.name)
    )
    return tuple((user_id, name) for user_id, name in rows)


def filter_options() -> dict[str, list[tuple[str, str]]]:
    # Staff names are kept with the catalog copy (a change of name or role makes a new one).
    staff = cached("reports_staff", _staff)
    return {
        "program": [(str(i), n) for i, n in program_choices()],
        "state": STATE_CHOICES,
        "org_type": choices(OrgType),
        "topic": [(str(i), n) for i, n in topic_choices()],
        "tier": choices(Tier),
        "staff": [(str(i), n) for i, n in staff],
    }
