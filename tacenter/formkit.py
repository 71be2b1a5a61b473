"""Small helpers shared by the feature forms."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice", ...) in the page's language, like
    flask_wtf.i18n.translations, but each language's catalog is read once per process:
    flask_wtf reads and parses the .mo file again on every request that validates a form."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_MESSAGES = _WTFormsMessages()


class Form(FlaskForm):
    """FlaskForm with WTForms' messages kept per language (see _WTFormsMessages)."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_MESSAGES


class PrefixedForm(Form):
    """A form that shares the request page with others: its fields carry a prefix so ids stay
    unique. The app-wide CSRFProtect checks the page's `csrf_token` on every POST."""

    form_prefix = ""

    class Meta:
        csrf = False  # CSRFProtect (extensions.csrf) guards every POST already

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.form_prefix)
        super().__init__(*args, **kwargs)


def option_tags(field) -> Markup | None:
    """A select's <option> tags, rendered once per list of choices and selection (the queue's
    filters alone list some 150 options on every view). None when a choice needs WTForms'
    own rendering (attributes of its own, or groups)."""
    raw = []
    for choice in field.choices or ():
        if isinstance(choice, SelectChoice):
            if choice.render_kw or choice.optgroup:
                return None
            raw.append((choice.value, choice.label))
        elif isinstance(choice, tuple | list):
            raw.append((choice[0], choice[1]))
        else:
            raw.append((choice, choice))
    # Selected exactly as WTForms decides it: the coerced value equals (or is in) the data.
    many = isinstance(field.data, list | tuple)
    selected = frozenset(
        str(value)
        for value, _ in raw
        if (field.coerce(value) in field.data if many else field.coerce(value) == field.data)
    )
    return _option_tags(tuple((str(value), str(label)) for value, label in raw), selected)


@lru_cache(maxsize=1024)
def _option_tags(pairs: tuple[tuple[str, str], ...], selected: frozenset[str]) -> Markup:
    option = Markup('<option value="{}"{}>{}</option>')
    chosen = Markup(" selected")
    return Markup("").join(
        option.format(value, chosen if value in selected else "", label) for value, label in pairs
    )
