"""Routing forms: shape only; the services check the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tacenter.formkit import options
from tacenter.intake.forms import CheckboxesField
from tacenter.routing.models import RoutingMode
from tacenter.vocab import STATE_CHOICES


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class AssignForm(FlaskForm):
    """One click at triage: a suggestion's button, or someone picked from the list."""

    assignee_id = IntegerField("Assign to", validators=[DataRequired(message="Choose a staff member.")])
    version = HiddenField(validators=[DataRequired()])


class BulkAssignForm(FlaskForm):
    # Each value is "<reference>@<version seen>"; the view parses and checks it.
    items = SelectMultipleField("Requests", coerce=str, validate_choice=False)
    assignee_id = SelectField("Assign the selected requests to", coerce=_optional_int)


class ReassignForm(FlaskForm):
    assignee_id = SelectField(
        "Reassign to", coerce=int, validators=[DataRequired(message="Choose a staff member.")]
    )
    note = TextAreaField(
        "Why",
        description="Kept in the request's history and sent to both staff members.",
        validators=[DataRequired(message="Add a note saying why."), Length(max=5000)],
    )
    version = HiddenField(validators=[DataRequired()])


class ProfileForm(FlaskForm):
    capacity = FloatField(
        "Capacity",
        description="Weighted requests this person can carry (a targeted request counts 1).",
        validators=[InputRequired(message="Give a capacity."), NumberRange(min=0, max=100)],
    )
    active = BooleanField("Receives new requests")
    backup_user_id = SelectField("Backup", coerce=_optional_int, validators=[Optional()])
    primary_topic_ids = CheckboxesField("Primary expertise", coerce=int, validators=[Optional()])
    secondary_topic_ids = CheckboxesField("Secondary expertise", coerce=int, validators=[Optional()])
    states = CheckboxesField(
        "States and territories covered", choices=options(STATE_CHOICES), validators=[Optional()]
    )
    program_ids = CheckboxesField("Programs supported", coerce=int, validators=[Optional()])


class AbsenceForm(FlaskForm):
    starts_on = DateField("First day away", validators=[InputRequired(message="Give the first day.")])
    ends_on = DateField("Last day away", validators=[InputRequired(message="Give the last day.")])
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class SettingsForm(FlaskForm):
    mode = SelectField("Routing mode", choices=options([(m.value, m.label) for m in RoutingMode]))
    weight_primary = FloatField("Primary expertise in a topic", validators=[InputRequired()])
    weight_secondary = FloatField("Secondary expertise in a topic", validators=[InputRequired()])
    weight_extra_topic = FloatField("Each further matching topic", validators=[InputRequired()])
    weight_state = FloatField("Covers the request's state", validators=[InputRequired()])
    weight_program = FloatField("Supports the request's program", validators=[InputRequired()])
    weight_load = FloatField(
        "Load (subtracted in proportion to load over capacity)", validators=[InputRequired()]
    )
    penalty_away_today = FloatField(
        "Away today (but back by the needed-by date)", validators=[InputRequired()]
    )
    tier_universal = FloatField("Weight of a universal request", validators=[InputRequired()])
    tier_targeted = FloatField("Weight of a targeted request", validators=[InputRequired()])
    tier_intensive = FloatField("Weight of an intensive request", validators=[InputRequired()])
    require_topic = BooleanField("Only people with expertise in a request's topic are eligible")
    require_state = BooleanField("Only people who cover a request's state are eligible")
    stalled_days = IntegerField(
        "A request is stalled after this many days without an update",
        validators=[InputRequired(), NumberRange(min=1, max=365)],
    )


class TeamPeriodForm(FlaskForm):
    """The period of the team page's hours: shape only; reports.periods allow-lists the value."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField("Hours delivered in", validators=[Optional()])
