"""Options for the filter form: bounded lists read once per page."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.extensions import db
from tacenter.vocab import STAFF_SIDE, STATE_CHOICES, OrgType, Tier, choices


def filter_options() -> dict[str, list[tuple[str, str]]]:
    staff = db.session.execute(
        select(User.id, User.name).where(User.role.in_([r.value for r in STAFF_SIDE])).order_by(User.name)
    ).all()
    return {
        "program": [(str(i), n) for i, n in program_choices()],
        "state": STATE_CHOICES,
        "org_type": choices(OrgType),
        "topic": [(str(i), n) for i, n in topic_choices()],
        "tier": choices(Tier),
        "staff": [(str(i), n) for i, n in staff],
    }
