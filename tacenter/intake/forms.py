from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tacenter.formkit import options
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import STATE_CHOICES, DeliveryMode, Tier, Urgency, choices


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


# Said in the hint and in the error, so the requester learns the rule before breaking it.
DESCRIPTION_MIN = 20


class RequestForm(FlaskForm):
    class Meta:
        # CSRFProtect (extensions.csrf) checks every POST before the view; the form checking the
        # token again cost a signature and a check per submit. The templates send the token.
        csrf = False

    submission_token = HiddenField(
        default=lambda: secrets.token_urlsafe(24), validators=[DataRequired(), Length(max=64)]
    )
    title = StringField(
        _l("Short title"),
        description=_l("A few words, e.g. “Medicaid billing for dyadic services”."),
        validators=[DataRequired(message=_l("Give your request a short title.")), Length(min=5, max=200)],
    )
    description = TextAreaField(
        _l("What do you need help with?"),
        description=_l(
            "At least %(count)s characters: the situation, what you have tried, who is involved.",
            count=DESCRIPTION_MIN,
        ),
        validators=[
            DataRequired(message=_l("Describe what you need.")),
            Length(
                min=DESCRIPTION_MIN,
                max=10000,
                message=_l("Write at least %(count)s characters (at most 10,000).", count=DESCRIPTION_MIN),
            ),
        ],
    )
    desired_outcome = TextAreaField(
        _l("What would success look like?"), validators=[Optional(), Length(max=5000)]
    )
    topic_ids = CheckboxesField(
        _l("Topics"), coerce=int, validators=[DataRequired(message=_l("Choose at least one topic."))]
    )
    program_id = SelectField(_l("Grant program"), coerce=_optional_int, validators=[Optional()])
    grant_id = SelectField(
        _l("Grant"),
        coerce=_optional_int,
        validators=[Optional()],
        description=_l("If the request is about one of your organization's grants."),
    )
    state = SelectField(
        _l("State or territory"),
        choices=options(STATE_CHOICES),
        validators=[DataRequired(message=_l("Choose a state or territory."))],
    )
    tier = SelectField(
        _l("Kind of help"),
        choices=options(choices(Tier)),
        default=Tier.TARGETED.value,
        description=_l(
            "Universal: webinars and resources. Targeted: short-term help on "
            "a defined need. Intensive: sustained help with a TA plan."
        ),
    )
    urgency = SelectField(_l("Urgency"), choices=options(choices(Urgency)), default=Urgency.ROUTINE.value)
    needed_by = DateField(
        _l("Needed by (optional)"),
        validators=[Optional()],
        description=_l("The date you need the help by, if there is one."),
    )
    preferred_mode = SelectField(
        _l("Preferred way to get help"),
        choices=options(choices(DeliveryMode)),
        default=DeliveryMode.VIRTUAL_MEETING.value,
    )


class EditRequestForm(RequestForm):
    """The request's own fields, for staff (and the requester until triage) to correct."""

    submission_token = None
    desired_outcome = None
    grant_id = None  # the grant is chosen when submitting; editing it is not offered yet
    version = HiddenField(validators=[DataRequired()])
