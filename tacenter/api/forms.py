"""The token form on the account page (shape only; the token service checks the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from tacenter.formkit import options
from tacenter.i18n import lazy_gettext as _l


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        description=_l("What will use it, such as “Evaluation export”."),
        validators=[DataRequired(), Length(max=100)],
    )
    scope = SelectField(
        _l("Access"),
        choices=options([("read", _l("Read only")), ("read_write", _l("Read and write"))]),
        validators=[DataRequired()],
    )
    expires_in_days = IntegerField(
        _l("Expires after (days)"),
        description=_l("At most 365 days."),
        default=90,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
    )


class RevokeForm(FlaskForm):
    """A CSRF-checked POST with no fields."""
