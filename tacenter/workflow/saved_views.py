"""Saved views of the queue: a person's named filter sets, and the center's shared ones.

A saved view belongs to its owner alone: nobody else lists, applies or deletes it (another
person's id is a 404). Its filters are stored as query-string values under allow-listed keys
and are checked again whenever read (workflow/queue_filters.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts import session_scalars
from tacenter.accounts.models import User
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.vocab import STAFF_SIDE
from tacenter.workflow.models import SavedView
from tacenter.workflow.queue_filters import FILTER_KEYS

MAX_VIEWS_PER_PERSON = 30
NAME_LENGTH = 80


@dataclass(frozen=True)
class SharedView:
    key: str
    name: str
    filters: dict[str, str]


# The views every staff-side person sees. Relative windows ("due": "week") rather than dates,
# so a view means the same thing every day it is opened.
SHARED_VIEWS = (
    SharedView("unassigned-urgent", "Unassigned urgent", {"assignee": "none", "urgency": "urgent"}),
    SharedView("waiting-on-requester", "Waiting on requester", {"stage": "waiting_on_requester"}),
    SharedView("due-this-week", "Due this week", {"due": "week", "sort": "needed_by"}),
    SharedView("overdue", "Past their needed-by date", {"due": "overdue", "sort": "needed_by"}),
    SharedView("mine", "Assigned to me", {"assignee": "me"}),
)


def _check_staff_side(actor: User) -> None:
    if actor.role_enum not in STAFF_SIDE:
        raise NotAllowed("Saved views are for the queue, which only TA center staff see.")


def owned_count_column(user_id):
    """How many saved views a user has, as a scalar subquery of their id: read with the sign-in
    session (accounts/session_scalars.py), so the queue of someone with none reads no views."""
    return select(func.count()).where(SavedView.owner_id == user_id).scalar_subquery()


def views_of(actor: User) -> list[SavedView]:
    """`actor`'s own saved views, by name (one query, none when the sign-in lookup counted none)."""
    if session_scalars.read("saved_views") == 0 and actor == current_user:
        return []
    return list(
        db.session.scalars(
            select(SavedView).where(SavedView.owner_id == actor.id).order_by(SavedView.name, SavedView.id)
        )
    )


def save_view(name: str, filters: dict[str, str], *, actor: User) -> tuple[SavedView, bool]:
    """Keep `filters` under `name` for `actor` (replacing a view of the same name): one commit.

    Returns the view and whether it replaced one. Only allow-listed keys with text values
    are stored; the caller has already checked the values against the queue's choices."""
    _check_staff_side(actor)
    name = " ".join((name or "").split())[:NAME_LENGTH]
    if not name:
        raise DomainError("Give the view a name.")
    kept = {k: v for k, v in filters.items() if k in FILTER_KEYS and isinstance(v, str) and v}
    view = db.session.scalar(select(SavedView).where(SavedView.owner_id == actor.id, SavedView.name == name))
    replaced = view is not None
    if view is None:
        if len(views_of(actor)) >= MAX_VIEWS_PER_PERSON:
            raise Conflict(f"You can keep {MAX_VIEWS_PER_PERSON} saved views; delete one first.")
        view = SavedView(owner_id=actor.id, name=name)
        db.session.add(view)
    view.filters = kept
    session_scalars.forget("saved_views")
    try:
        db.session.commit()
    except IntegrityError:
        # A second tab saved the same name at the same moment: its view stands.
        db.session.rollback()
        raise Conflict("A view with that name was just saved; try again.") from None
    return view, replaced


def delete_view(view_id: int, *, actor: User) -> str:
    """Delete one of `actor`'s saved views; anyone else's is reported as not found."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.owner_id != actor.id:
        raise NotFound("There is no saved view with that id.")
    name = view.name
    db.session.delete(view)
    session_scalars.forget("saved_views")
    db.session.commit()
    return name
