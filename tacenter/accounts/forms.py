from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from tacenter.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from tacenter.formkit import options
from tacenter.vocab import STATE_CHOICES, OrgType, choices


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class PasswordMixin:
    password = PasswordField(
        "Password",
        description=f"At least {MIN_LENGTH} characters; a long passphrase is best.",
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords do not match.")],
    )


class RegisterForm(PasswordMixin, FlaskForm):
    name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Work email address", validators=[DataRequired(), Email(), Length(max=254)])
    organization_name = StringField("Organization name", validators=[DataRequired(), Length(max=200)])
    org_type = SelectField(
        "Organization type", choices=options(choices(OrgType)), validators=[DataRequired()]
    )
    state = SelectField(
        "State or territory",
        choices=options([("", "Choose…")] + STATE_CHOICES),
        validators=[DataRequired(message="Choose a state or territory.")],
    )


class EndSessionForm(FlaskForm):
    """A button that only carries the CSRF token."""
