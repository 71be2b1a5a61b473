"""Reading and changing the center's settings."""

from __future__ import annotations

from flask import current_app

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.center.models import DEFAULT_CENTER_NAME, DEFAULT_FOLLOW_UP_DAYS, CenterSettings
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.vocab import Role


def center_settings() -> CenterSettings:
    """The one settings row, or unsaved defaults before an admin has saved any."""
    return db.session.get(CenterSettings, 1) or CenterSettings(
        id=1,
        name=DEFAULT_CENTER_NAME,
        follow_up_days=DEFAULT_FOLLOW_UP_DAYS,
        follow_up_remind_days=14,
        follow_up_lapse_days=14,
        event_survey_days=14,
        require_sso_for_staff=False,
        require_two_factor_for_all=False,
    )


def center_name() -> str:
    return center_settings().name


def save_center_settings(
    name: str,
    *,
    actor: User,
    require_two_factor_for_all: bool | None = None,
    require_sso_for_staff: bool | None = None,
    follow_up: tuple[str, int, int] | None = None,
    event_survey_days: int | None = None,
) -> CenterSettings:
    """Admins name the center (as funders know it; the name heads every funder report) and
    choose the sign-in policy (None: unchanged). SSO can be required only with a provider.
    `follow_up`: (windows "30,90", days to the reminder, days from it to the lapse), or None."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins change the center's settings.")
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 200:
        raise DomainError("Give the center's name (2 to 200 characters).")
    settings = db.session.get(CenterSettings, 1) or CenterSettings(id=1)
    settings.name = name
    if require_sso_for_staff and not current_app.config.get("OIDC_PROVIDERS"):
        raise DomainError(
            "Single sign-on can be required only once a provider is configured (TACENTER_OIDC_PROVIDERS)."
        )
    if require_two_factor_for_all is not None:
        settings.require_two_factor_for_all = require_two_factor_for_all
    if require_sso_for_staff is not None:
        settings.require_sso_for_staff = require_sso_for_staff
    if follow_up is not None:
        windows, remind, lapse = follow_up
        days = [p.strip() for p in (windows or "").split(",") if p.strip()]
        if not days or not all(d.isdigit() and 1 <= int(d) <= 730 for d in days):
            raise DomainError("Follow-up windows are days from 1 to 730, separated by commas, such as 30,90.")
        if not (1 <= int(remind) <= 90 and 1 <= int(lapse) <= 90):
            raise DomainError("Reminder and lapse days go from 1 to 90.")
        settings.follow_up_days = ",".join(str(d) for d in sorted({int(d) for d in days}))
        settings.follow_up_remind_days, settings.follow_up_lapse_days = int(remind), int(lapse)
    if event_survey_days is not None:
        if not 1 <= int(event_survey_days) <= 90:
            raise DomainError("An event's survey stays open from 1 to 90 days.")
        settings.event_survey_days = int(event_survey_days)
    db.session.add(settings)
    record_event(Action.SETTINGS_CHANGED, actor=actor, object_type="center_settings", object_ref="center")
    db.session.commit()
    return settings
