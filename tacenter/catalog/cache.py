"""Per-process copies of what admins rarely edit, checked against one version row.

Topics, programs, grants, timeliness targets, routing settings, webhook subscriptions, the staff
pickers' names and the like are read by nearly every page's forms and filters and
change a few times a year. Each web process keeps what it read, under the version token it
read first; a request reads the token once (in the sign-in lookup's own query on signed-in
pages, tacenter/accounts/session_scalars.py), and a copy kept under another token is read
again. Every ORM write of a watched table sets a new random token in the same transaction
(before_flush), so a committed change is seen by every process on its next request and a
rolled-back one changes nothing. Tokens are random, not counted, so a database emptied and
filled again (tests, a restore) never matches a copy kept before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from itertools import chain
from typing import TypeVar

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event, inspect, select

from tacenter.accounts import session_scalars
from tacenter.catalog.models import CatalogVersion
from tacenter.extensions import db

T = TypeVar("T")
# model -> the attributes whose change matters (None: any); a new or deleted row always does
WATCHED: dict[type, tuple[str, ...] | None] = {}
_TABLE = CatalogVersion.__table__


def watch(*models: type, attributes: tuple[str, ...] | None = None) -> None:
    """Tables whose edits must reach every process's copies."""
    for model in models:
        WATCHED[model] = attributes


def version_column():
    """The token as a scalar subquery, for the sign-in lookup to read in its own query."""
    return select(CatalogVersion.token).where(CatalogVersion.id == 1).scalar_subquery()


def current_version() -> str | None:
    """This request's token (read once per request); None when there is no row yet."""
    if has_request_context() and "catalog_version" in g:
        return g.catalog_version
    token = session_scalars.read("catalog_version")
    if token is session_scalars.MISSING:
        token = db.session.scalar(select(CatalogVersion.token).where(CatalogVersion.id == 1))
    if has_request_context():
        g.catalog_version = token
    return token


def cached(key, load: Callable[[], T]) -> T:
    """`load()`'s plain-data result, kept in this process until the catalog version changes.

    The token is read before the data, so a copy is never newer-labelled than what it holds.
    """
    version = current_version()
    if version is None:
        return load()
    entry = current_app.extensions.get("catalog_cache")
    if entry is None or entry[0] != version:
        # Replaced, never cleared in place: a request still holding the old entry writes there.
        entry = (version, {})
        current_app.extensions["catalog_cache"] = entry
    values = entry[1]
    if key not in values:
        values[key] = load()
    return values[key]


def bump(session) -> None:
    """A new token in `session`'s transaction (for writes that bypass the ORM, e.g. a bulk UPDATE)."""
    token = secrets.token_hex(8)
    connection = session.connection()
    if connection.execute(_TABLE.update().where(_TABLE.c.id == 1).values(token=token)).rowcount == 0:
        connection.execute(_TABLE.insert().values(id=1, token=token))
    if has_app_context():
        g.pop("catalog_version", None)
    session_scalars.forget("catalog_version")


def _changes_kept_data(obj, dirty: bool) -> bool:
    for model, attributes in WATCHED.items():
        if isinstance(obj, model):
            if not dirty or attributes is None:
                return True
            state = inspect(obj)
            return any(state.attrs[name].history.has_changes() for name in attributes)
    return False


def _bump_on_change(session, _flush_context, _instances) -> None:
    if any(_changes_kept_data(o, False) for o in chain(session.new, session.deleted)) or any(
        _changes_kept_data(o, True) for o in session.dirty
    ):
        bump(session)


def init_app(app) -> None:
    """Every table kept in copies, in one list (imported here: they sit above the catalog)."""
    from tacenter.accounts.models import User
    from tacenter.catalog.models import GrantProgram, Topic
    from tacenter.registry.models import Grant
    from tacenter.routing.models import RoutingSettings
    from tacenter.timeliness.models import TimelinessTarget
    from tacenter.webhooks.models import WebhookSubscription

    watch(Topic, GrantProgram, Grant, RoutingSettings, TimelinessTarget, WebhookSubscription)
    # The staff pickers' lists; role and active also decide whose webhook subscriptions count.
    watch(User, attributes=("name", "role", "active"))
    session_scalars.register("catalog_version", lambda _user_id: version_column())
    if not event.contains(db.session, "before_flush", _bump_on_change):
        event.listen(db.session, "before_flush", _bump_on_change)
