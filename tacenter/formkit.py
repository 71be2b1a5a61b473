"""Small helpers shared by the feature forms."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from flask import render_template
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice, SelectFieldBase

from tacenter.catalog.cache import current_version
from tacenter.i18n import locale_id


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class PrefixedForm(FlaskForm):
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


KEPT_MAX = 512  # rendered forms kept per process; emptied when full (free text makes many states)
_kept: dict[tuple, Markup] = {}


def field_state(form, exclude: tuple[str, ...] = ()) -> tuple:
    """All that a form's rendered fields depend on besides their definitions and choices: each
    field's value as written (a select's data decides its selected options), and its errors."""
    return tuple(
        (f.name, repr(f.data) if isinstance(f, SelectFieldBase) else f._value(), tuple(map(str, f.errors)))
        for f in form
        if f.name not in exclude
    )


def kept_fields(
    template: str, form, *, scope: tuple = (), exclude: tuple[str, ...] = (), **context
) -> Markup:
    """`template` rendered with `form` (and `context`), kept per catalog version, language,
    `scope` (anything else its choices depend on, e.g. an organization's grants), field state
    and context: a filter form of some 150 options is written once, not on every view. Without a
    catalog version (nothing to key the choices on) it is rendered afresh."""
    version = current_version()
    state = (field_state(form, exclude), tuple(sorted(context.items())))
    key = None if version is None else (template, type(form), version, locale_id(), scope, state)
    html = _kept.get(key) if key is not None else None
    if html is None:
        html = Markup(render_template(template, form=form, **context))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (an autoescaped template's output)
        if key is not None:
            if len(_kept) >= KEPT_MAX:
                _kept.clear()
            _kept[key] = html
    return html


def kept_form_fields(form, *names: str) -> Markup:
    """The named fields of `form` as the field macro writes them, kept (kept_fields) per form
    class, names and state, and per the choices each select offers (read from the form, so a
    request's own goals or a stage's next steps are never taken from another page). Each field
    through WTForms' widgets costs some 0.15 ms: a request page shows up to twenty."""
    fields = [form[name] for name in names]
    choices = tuple(_choices_key(f) for f in fields if isinstance(f, SelectFieldBase))
    return kept_fields("_form_fields.html", form, scope=choices, names=names)


def _choices_key(field) -> tuple:
    """What a select offers, as a key: its choices as given (the selection is in field_state).
    Read from `choices` rather than iter_choices, which coerces and compares every option to
    the data: a staff picker of forty people on every view of triage and a request page."""
    if isinstance(field.choices, dict):  # option groups: as WTForms lists them
        return tuple((str(c.value), str(c.label), repr(c.render_kw)) for c in field.iter_choices())
    key = []
    for choice in field.choices or ():
        if isinstance(choice, SelectChoice):
            key.append((str(choice.value), str(choice.label), repr(choice.render_kw), choice.optgroup))
        elif isinstance(choice, tuple | list):
            key.append(tuple(map(str, choice)))
        else:
            key.append(str(choice))
    return tuple(key)
