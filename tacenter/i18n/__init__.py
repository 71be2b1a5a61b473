"""The language of each page and each email (Flask-Babel).

A page speaks the signed-in user's chosen language; before sign-in, the language chosen with
the switch (kept in the session), else the browser's Accept-Language; else the default. An email
speaks its recipient's language, whoever sent it (`recipient_locale`, used by notifications).
Dates and times are written per language by Babel, in the center's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale, support
from babel.dates import format_date, format_time
from flask import Flask, Request, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup
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


def select_locale() -> Locale:
    """The page's language, as one Locale per language for the life of the process: Flask-Babel
    would parse a new one on every request, and every per-language key below (catalogs, dates,
    kept markup) would then compare Babel's Locale field by field instead of by identity."""
    return _LOCALES[_chosen_language()]


def _chosen_language() -> str:
    if not has_request_context():  # the worker: callers force the recipient's language
        return default_language()
    from flask_login import current_user

    if current_user and current_user.is_authenticated and supported(current_user.locale):
        return current_user.locale
    return (
        supported(session.get("locale"))
        or request.accept_languages.best_match(languages())
        or default_language()
    )


class _Locales(dict):
    def __missing__(self, code: str) -> Locale:
        return self.setdefault(code, Locale.parse(code))


_LOCALES = _Locales()


_WTFORMS: dict[str, support.Translations] = {}


class PageRequest(Request):
    """Flask's request, handing Flask-WTF WTForms' own messages ("Not a valid choice") in the
    page's language from this process's copy: Flask-WTF reads and parses the .mo file again on
    every request that builds a form unless the request already has them."""

    @property
    def wtforms_translations(self) -> support.Translations:
        code = locale_id()
        if code not in _WTFORMS:
            _WTFORMS[code] = support.Translations.load(messages_path(), [code], domain="wtforms")
        return _WTFORMS[code]

    @wtforms_translations.setter
    def wtforms_translations(self, value) -> None:
        """Flask-WTF keeps what it read on the request; the copy above is the same catalog."""


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


def locale_id() -> str:
    """The page's locale as a key for what is kept per language (e.g. 'es')."""
    locale = locale_in_force()
    if not locale:
        return default_language()
    try:
        return _LOCALE_IDS[locale]
    except KeyError:  # Babel builds a Locale's identifier on every str(): kept once per locale
        return _LOCALE_IDS.setdefault(locale, str(locale))


_LOCALE_IDS: dict = {}


def current_language() -> str:
    locale = locale_in_force()
    return locale.language if locale else default_language()


def recipient_locale(user) -> str:
    """The language of everything sent to `user`: theirs when chosen, else the default."""
    return supported(getattr(user, "locale", None)) or default_language()


def localized(english: str, spanish: str | None, language: str | None = None) -> str:
    """A label kept in two languages: Spanish where asked for (the page's language unless
    `language` says) and given, else the English one."""
    return spanish if spanish and (language or current_language()) == "es" else english


# English keeps the layout the center used before languages ("Nov 29, 2026 3:04 PM EST"); the
# others use Babel's long date and the zone's generic name, as Babel's Spanish has no "EST"
# ("29 de noviembre de 2026, 10:04 a. m. (hora oriental)").
_DATE_PATTERNS = {"en": "MMM d, y"}
_ZONE_PATTERNS = {"en": "zzz"}  # after the time; others "(vvvv)"

# Lists write a date or a time on every row, and Babel takes about 0.1 ms for each: the parts
# are kept per process (a day, a minute of the day, a zone's name at an offset, per locale).


@lru_cache(maxsize=8192)
def _day(value: date, language: str, locale) -> str:
    return format_date(value, _DATE_PATTERNS.get(language, "long"), locale=locale)


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, locale) -> str:
    return format_time(time(hour, minute), "h:mm a", locale=locale)


def format_day(value: date | None, language: str | None = None, locale=None) -> str:
    if value is None:
        return ""
    language = language or current_language()
    return _day(value, language, locale or locale_in_force() or language)


def format_when(
    value: datetime | None, language: str | None = None, locale=None, zone: str | None = None
) -> str:
    if value is None:
        return ""
    language = language or current_language()
    return _when(value, language, locale or locale_in_force() or language,
                 zone or current_app.config["CENTER_TIMEZONE"])  # fmt: skip


# A list page shows the same rows' times on every view: each is kept, as its day and clock are.
@lru_cache(maxsize=8192)
def _when(value: datetime, language: str, locale, zone: str) -> str:
    local = value.astimezone(ZoneInfo(zone))
    clock = f"{_clock(local.hour, local.minute, locale)} {_zone_name(zone, local, language, locale)}"
    day = _day(local.date(), language, locale)
    return f"{day} {clock}" if language == "en" else f"{day}, {clock}"


# The template filters read the page's language from the render's context (the context processor
# below sets it once) instead of asking Flask-Babel on every row; where a macro has no page
# context, they ask as format_when does.
@pass_context
def _when_filter(context, value: datetime | None) -> str:
    return format_when(value, context.get("current_language"), context.get("page_locale"),
                       context.get("center_timezone"))  # fmt: skip


@pass_context
def _day_filter(context, value: date | None) -> str:
    return format_day(value, context.get("current_language"), context.get("page_locale"))


_ZONE_NAMES: dict[tuple, str] = {}


def _zone_name(zone: str, local: datetime, language: str, locale) -> str:
    """The zone's name at this time's offset ("EST" or "EDT"; "(hora oriental)")."""
    key = (zone, local.utcoffset(), language, locale)  # a Locale hashes cheaply; str() does not
    if key not in _ZONE_NAMES:
        _ZONE_NAMES[key] = format_time(local, _ZONE_PATTERNS.get(language, "(vvvv)"), locale=locale)
    return _ZONE_NAMES[key]


def init_app(app: Flask) -> None:
    app.request_class = PageRequest
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate through the same short way (Flask-Babel installed its own first).
    app.jinja_env.install_gettext_callables(
        lambda string: translations().ugettext(string),
        lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.add_template_filter(_when_filter, "when")
    app.add_template_filter(_day_filter, "day")
    app.add_template_global(localized)

    @app.context_processor
    def _language():
        code = current_language()
        catalog = translations()
        return {
            "current_language": code,
            "page_locale": locale_in_force() or code,
            "page_locale_id": locale_id(),
            "center_timezone": current_app.config["CENTER_TIMEZONE"],
            "other_languages": [(c, NATIVE_NAMES.get(c, c)) for c in languages() if c != code],
            # The page's catalog, found once per render rather than once per string.
            "gettext": _template_gettext(catalog),
            "ngettext": _template_ngettext(catalog),
        }


# Jinja's newstyle gettext (jinja2.ext._make_new_gettext), bound to one catalog: `_()` and
# `{% trans %}` resolve "gettext" from the template's context first.
def _template_gettext(catalog):
    @pass_context
    def gettext(context, string: str, **variables) -> str:
        text = catalog.ugettext(string)
        safe = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (our own catalog, as Jinja does)
        # Formatting turns "%%" into "%"; a text with neither "%" nor variables is already what
        # it would give (most of a page's labels: Markup's % costs more than the lookup).
        return safe % variables if variables or "%" in text else safe

    return gettext


def _template_ngettext(catalog):
    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = catalog.ungettext(singular, plural, num)
        safe = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (our own catalog, as Jinja does)
        return safe % variables

    return ngettext
