"""WTForms for group TA pages: shape only; the rules are in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tacenter.formkit import options
from tacenter.group_ta.vocab import LANGUAGES, MAX_PARTICIPANTS, EventMode, EventStatus, EventType
from tacenter.intake.forms import CheckboxesField
from tacenter.vocab import Tier, choices


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class EventForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired(message="Give the event a title."), Length(max=200)]
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    event_type = SelectField("Type", choices=options(choices(EventType)))
    tier = SelectField(
        "Tier",
        choices=options(choices(Tier)),
        description="Universal or targeted for a one-off event; intensive for a collaborative's session.",
    )
    collaborative_id = SelectField(
        "Collaborative (for a session)", coerce=_optional_int, validators=[Optional()]
    )
    topic_ids = CheckboxesField("Topics", coerce=int, validators=[Optional()])
    facilitator_ids = SelectMultipleField(
        "Facilitators",
        coerce=int,
        validate_choice=False,  # the service names a non-staff facilitator in its message
        description="TA staff who facilitate it; hold Ctrl (or ⌘) to choose several.",
        validators=[DataRequired(message="Choose at least one facilitator.")],
    )
    owner_id = SelectField(
        "Owner", coerce=_optional_int, validators=[Optional()], description="One of the facilitators."
    )
    language = SelectField("Language", choices=options(LANGUAGES.items()))
    mode = SelectField("Mode", choices=options(choices(EventMode)))
    in_person_count = IntegerField(
        "In person (hybrid)", default=0, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    virtual_count = IntegerField(
        "Virtual (hybrid)", default=0, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    event_date = DateField("Date", validators=[DataRequired(message="Give the event's date.")])
    start_time = TimeField("Start time", validators=[Optional()], description="In the center's time zone.")
    duration_hours = StringField(
        "Duration (hours)",
        description="In quarter hours: 0.5, 1.5 … up to 24.",
        validators=[DataRequired(message="Give the duration."), Length(max=10)],
    )
    non_grantee_count = IntegerField(
        "Other attendees",
        default=0,
        description="People from no organization in the tracker (counts only).",
        validators=[Optional(), NumberRange(min=0, max=100000, message="Give a number from 0 to 100,000.")],
    )
    version = HiddenField()


class AttendanceForm(FlaskForm):
    organization_id = SelectField("Organization", coerce=_optional_int, validators=[InputRequired()])
    participant_count = IntegerField(
        "Participants",
        validators=[
            InputRequired(message="Give how many people came."),
            NumberRange(
                min=1, max=MAX_PARTICIPANTS, message=f"Give a number from 1 to {MAX_PARTICIPANTS:,}."
            ),
        ],
    )
    roles = StringField(
        "Roles", validators=[Optional(), Length(max=300)], description="E.g. home visitors, directors."
    )
    version = HiddenField()


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=options(choices(EventStatus)))
    version = HiddenField()


class MaterialForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired(message="Give the material a title."), Length(max=200)]
    )
    url = StringField("Link", validators=[DataRequired(message="Give the link."), Length(max=1000)])


class CollaborativeForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired(message="Give the collaborative a name."), Length(max=200)]
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    topic_id = SelectField("Topic", coerce=_optional_int, validators=[Optional()])
    lead_facilitator_id = SelectField("Lead facilitator", coerce=_optional_int, validators=[InputRequired()])
    start_date = DateField("Start date", validators=[DataRequired(message="Give the start date.")])
    end_date = DateField("End date", validators=[DataRequired(message="Give the end date.")])


class MemberForm(FlaskForm):
    organization_id = SelectField("Organization", coerce=_optional_int, validators=[InputRequired()])
    joined_on = DateField("Joined on", validators=[Optional()])


class EventFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = SelectField(
        "Type", choices=options([("", "Any type"), *choices(EventType)]), validators=[Optional()]
    )
    topic = SelectField("Topic", coerce=_optional_int, validators=[Optional()])
    facilitator = SelectField("Facilitator", coerce=_optional_int, validators=[Optional()])
    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])
