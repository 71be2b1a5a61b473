"""The sessions page's use cases: list one's sign-ins, end one, or (admins) end all of a user's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from tacenter.accounts.models import LoginSession, User
from tacenter.accounts.services import token_hash
from tacenter.audit.services import Action, record_event
from tacenter.errors import NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import Role

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent; "Unknown device" when nothing is recognised."""
    browser = next((name for key, name in BROWSERS if key in user_agent), "")
    system = next((name for key, name in SYSTEMS if key in user_agent), "")
    if browser and system:
        return _l("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _l("Unknown device")


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    address: str
    started: datetime
    last_seen: datetime
    current: bool


def sessions_of(user: User, current_token: str | None) -> list[SessionRow]:
    """The user's live sign-ins, newest first, marking the one this browser holds."""
    current_hash = token_hash(current_token) if current_token else None
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.created_at.desc())
    ).all()
    return [
        SessionRow(
            r.id,
            device_label(r.user_agent),
            r.address,
            r.created_at,
            r.last_seen_at,
            r.token_hash == current_hash,
        )
        for r in rows
    ]


def end_own_session(session_id: int, *, actor: User) -> None:
    """A user ends one of their own sessions; its cookie is refused on its next request.
    Another person's session is reported as not found, so ids reveal nothing."""
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(_l("There is no such session."))
    db.session.delete(row)
    record_event(Action.SESSION_ENDED, actor=actor, object_type="login_session", object_ref=session_id)
    db.session.commit()


def end_all_sessions(user_id: int, *, actor: User) -> int:
    """Admins sign a user out everywhere; returns how many sessions ended."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    ended = db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)).rowcount
    record_event(
        Action.SESSION_ENDED,
        actor=actor,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        detail=f"all sessions ({ended})",
    )
    db.session.commit()
    return ended
