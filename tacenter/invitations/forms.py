from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from tacenter.accounts.forms import PasswordMixin
from tacenter.formkit import options
from tacenter.i18n import NATIVE_NAMES
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import Role, choices


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=options(choices(Role)), default=Role.REQUESTER.value)
    organization_id = SelectField(
        _l("Organization (for requesters)"),
        coerce=lambda v: int(v) if str(v).isdigit() else None,
        validators=[Optional()],
    )
    locale = SelectField(
        _l("Their language"),
        choices=options(NATIVE_NAMES.items()),
        default="en",
        validators=[Optional()],
        description=_l("Of the invitation email and of their pages until they choose another."),
    )


class AcceptForm(PasswordMixin, FlaskForm):
    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])
