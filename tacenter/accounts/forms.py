from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from tacenter.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from tacenter.formkit import options
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import STATE_CHOICES, OrgType, choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class PasswordMixin:
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(count)s characters; a long passphrase is best.", count=MIN_LENGTH),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
    )
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
    )


class RegisterForm(PasswordMixin, FlaskForm):
    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Work email address"), validators=[DataRequired(), Email(), Length(max=254)])
    organization_name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    org_type = SelectField(
        _l("Organization type"), choices=options(choices(OrgType)), validators=[DataRequired()]
    )
    state = SelectField(
        _l("State or territory"),
        choices=options([("", _l("Choose…"))] + STATE_CHOICES),
        validators=[DataRequired(message=_l("Choose a state or territory."))],
    )


class EndSessionForm(FlaskForm):
    """A button that only carries the CSRF token."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(PasswordMixin, FlaskForm):
    """A new password from an emailed link."""


class ChangePasswordForm(PasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
