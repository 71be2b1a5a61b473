"""Figures every signed-in page needs, read in the sign-in lookup's one query.

A feature above accounts (the header's unread count, the catalog's version) registers a
scalar subquery of the signed-in user's id; `user_for_session` adds each as a column of its
query and leaves the values in `g.session_scalars` for the rest of the request. One round
trip instead of one per figure, on every page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_request_context
from sqlalchemy import Select, bindparam, select

from tacenter.accounts.models import LoginSession, User

# name -> function(user id column) -> scalar subquery
SESSION_SCALARS: dict[str, Callable] = {}


_QUERIES: dict[tuple[str, ...], Select] = {}


def register(name: str, column: Callable) -> None:
    SESSION_SCALARS[name] = column


def session_query() -> Select:
    """The session row, its user and each registered figure, by `token_hash` and `user_id`
    (built once: every page runs it)."""
    names = tuple(SESSION_SCALARS)
    query = _QUERIES.get(names)
    if query is None:
        user_id = LoginSession.user_id
        query = (
            select(LoginSession, User, *(SESSION_SCALARS[name](user_id).label(name) for name in names))
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == bindparam("token_hash"), user_id == bindparam("user_id"))
        )
        _QUERIES[names] = query
    return query


def keep(values: dict) -> None:
    if has_request_context():
        g.session_scalars = values


MISSING = object()


def read(name: str):
    """The value read with the sign-in session this request, or MISSING if it was not (or was
    dropped because the request changed it)."""
    if not has_request_context():
        return MISSING
    return g.get("session_scalars", {}).get(name, MISSING)


def forget(name: str) -> None:
    """After a change in this request, the next read goes to the database."""
    if has_request_context():
        g.get("session_scalars", {}).pop(name, None)
