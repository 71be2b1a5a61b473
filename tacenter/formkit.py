"""Small helpers shared by the feature forms."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


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
