"""The steps of a sign-in: after the first factor, finish it or ask for a second one.

Until the second factor is given (or, where one is required, enrolled) nobody is signed in:
the browser's session only holds a short-lived "pending" note with the user id, so no page
but the second-factor pages themselves can be reached. Single sign-on and passkeys finish
the sign-in at once (the provider or the authenticator verified the person).
"""

from __future__ import annotations

import time

from flask import redirect, request, session, url_for
from flask_login import login_user

from tacenter.accounts import services
from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.i18n import supported
from tacenter.redirects import safe_next

PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 600  # ten minutes to type a code or set up an app


def _fresh_session() -> str | None:
    """Clear the browser's session (a new one at each step: no fixation), keeping the language."""
    chosen = supported(session.get("locale"))
    session.clear()
    if chosen:
        session["locale"] = chosen
    return chosen


def after_first_factor(user: User, *, next_url: str | None):
    """The password was right: ask for the second factor, make them enrol one, or finish."""
    from tacenter.twofactor.services import is_enrolled, required_for

    if is_enrolled(user.id):
        return _pend(user, "verify", next_url, "twofactor.verify")
    if required_for(user):
        return _pend(user, "enrol", next_url, "twofactor.enrol")
    return finish(user, method="password", next_url=next_url)


def _pend(user: User, purpose: str, next_url: str | None, endpoint: str):
    _fresh_session()
    session[PENDING_KEY] = {
        "uid": user.id,
        "purpose": purpose,
        "at": int(time.time()),
        "next": next_url or "",
    }
    return redirect(url_for(endpoint))


def pending_user(purpose: str) -> User | None:
    """The user half-way through signing in for this purpose, if still in time and active."""
    note = session.get(PENDING_KEY)
    if not isinstance(note, dict) or note.get("purpose") != purpose:
        return None
    if not isinstance(note.get("at"), int) or time.time() - note["at"] > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, note.get("uid")) if isinstance(note.get("uid"), int) else None
    return user if user is not None and user.active else None


def pending_next() -> str | None:
    note = session.get(PENDING_KEY)
    return note.get("next") or None if isinstance(note, dict) else None


def start(user: User, *, method: str) -> None:
    """Sign the user in now: a server-side session row (audited, with how they proved it)."""
    chosen = _fresh_session()
    session["sid"] = services.start_session(user, user_agent=request.user_agent.string, method=method)
    if chosen and not user.locale:  # chosen before signing in: theirs from now on
        services.choose_language(user.id, chosen)
    login_user(user)


def finish(user: User, *, method: str, next_url: str | None = None):
    start(user, method=method)
    return redirect(safe_next(next_url, url_for("home.index")))
