"""The language of each page and each email (Flask-Babel).

A page speaks the signed-in user's chosen language; before sign-in, the language chosen with
the switch (kept in the session), else the browser's Accept-Language; else the default. An email
speaks its recipient's language, whoever sent it (`recipient_locale`, used by notifications).
Dates and times are written per language by Babel, in the center's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import flask_babel
from babel import support
from babel.dates import format_date, format_time
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_babel.speaklater import LazyString
from wtforms.i18n import messages_path

# Native names: a reader looks for their own language in its own words.
NATIVE_NAMES = {"en": "English", "es": "Español"}

babel = Babel()


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def supported(code: str | None) -> str | None:
    """`code` when it is one of the center's languages, else None (input is untrusted)."""
    return code if code in languages() else None


def select_locale() -> str:
    if not has_request_context():  # the worker: callers force the recipient's language
        return default_language()
    from flask_login import current_user

    if current_user and current_user.is_authenticated and supported(current_user.locale):
        chosen = current_user.locale
    else:
        chosen = (
            supported(session.get("locale"))
            or request.accept_languages.best_match(languages())
            or default_language()
        )
    # Flask-WTF reads WTForms' own messages from disk once per request unless the request has them.
    request.wtforms_translations = _wtforms_catalog(chosen)
    return chosen


_WTFORMS: dict[str, support.Translations] = {}


def _wtforms_catalog(code: str) -> support.Translations:
    if code not in _WTFORMS:
        _WTFORMS[code] = support.Translations.load(messages_path(), [code], domain="wtforms")
    return _WTFORMS[code]


# The catalog of each language, found with one lookup. Flask-Babel caches catalogs too, but each
# of its calls first finds the request's Babel context four times over, and a page makes hundreds
# of calls (every label, option and message). Keyed by the locale in force, so force_locale (an
# email in its recipient's language) and refresh (a language just chosen) still apply.
_CATALOGS: dict = {}


def locale_in_force():
    """Flask-Babel's get_locale, read straight from its context once a page has chosen (get_locale
    finds that context three times over on each call, and dates and labels ask on every row)."""
    try:
        locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    except RuntimeError:  # no app context
        return get_locale()
    return locale if locale is not None else get_locale()


def translations():
    locale = locale_in_force()
    try:
        return _CATALOGS[locale]
    except KeyError:
        found = flask_babel.get_translations()
        if locale is not None:  # None: no app context, nothing to keep
            _CATALOGS[locale] = found
        return found


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, by the shorter way."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Translated when shown, in the language of the page or email showing it."""
    return LazyString(gettext, string, **variables)


def current_language() -> str:
    locale = locale_in_force()
    return locale.language if locale else default_language()


def recipient_locale(user) -> str:
    """The language of everything sent to `user`: theirs when chosen, else the default."""
    return supported(getattr(user, "locale", None)) or default_language()


def localized(english: str, spanish: str | None) -> str:
    """A label kept in two languages: Spanish where asked for and given, else the English one."""
    return spanish if spanish and current_language() == "es" else english


# English keeps the layout the center used before languages ("Nov 29, 2026 3:04 PM EST"); the
# others use Babel's long date and the zone's generic name, as Babel's Spanish has no "EST"
# ("29 de noviembre de 2026, 10:04 a. m. (hora oriental)").
_DATE_PATTERNS = {"en": "MMM d, y"}
_TIME_PATTERNS = {"en": "h:mm a zzz"}


def format_day(value: date | None) -> str:
    if value is None:
        return ""
    language = current_language()
    return format_date(value, _DATE_PATTERNS.get(language, "long"), locale=locale_in_force() or language)


def format_when(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["CENTER_TIMEZONE"]))
    language = current_language()
    pattern = _TIME_PATTERNS.get(language, "h:mm a (vvvv)")
    time = format_time(local, pattern, locale=locale_in_force() or language)
    return f"{format_day(local.date())} {time}" if language == "en" else f"{format_day(local.date())}, {time}"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate through the same short way (Flask-Babel installed its own first).
    app.jinja_env.install_gettext_callables(
        lambda string: translations().ugettext(string),
        lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_day, "day")
    app.add_template_global(localized)

    @app.context_processor
    def _language():
        code = current_language()
        return {
            "current_language": code,
            "other_languages": [(c, NATIVE_NAMES.get(c, c)) for c in languages() if c != code],
        }
