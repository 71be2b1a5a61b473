from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tacenter.formkit import PrefixedForm, options
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.forms import CheckboxesField
from tacenter.vocab import DeliveryMode, PlanStatus, choices

RATINGS = [
    (str(n), label)
    for n, label in [(1, _l("1 (poor)")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 (excellent)"))]
]


class ActivityForm(PrefixedForm):
    form_prefix = "activity"
    activity_date = DateField(
        _l("Date"), validators=[DataRequired(message=_l("Give the date of the activity."))]
    )
    hours = StringField(
        _l("Hours"),
        description=_l("In quarter hours: 0.25, 0.5, 1.75 … up to 24."),
        validators=[DataRequired(message=_l("Give the hours.")), Length(max=10)],
    )
    mode = SelectField(_l("Delivery mode"), choices=options(choices(DeliveryMode)))
    participant_count = IntegerField(
        _l("Participants"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    participant_roles = StringField(
        _l("Participants' roles"),
        description=_l("E.g. home visitors, clinical supervisors."),
        validators=[Optional(), Length(max=300)],
    )
    topic_ids = CheckboxesField(_l("Topics"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class GoalForm(PrefixedForm):
    form_prefix = "goal"
    description = TextAreaField(
        _l("Goal"), validators=[DataRequired(message=_l("Describe the goal.")), Length(max=2000)]
    )


class StepForm(PrefixedForm):
    form_prefix = "step"
    description = TextAreaField(
        _l("Planned activity"),
        validators=[DataRequired(message=_l("Describe the activity.")), Length(max=2000)],
    )
    target_date = DateField(_l("Target date"), validators=[Optional()])
    goal_id = SelectField(_l("For goal"), coerce=str, validators=[Optional()])


class StepStatusForm(PrefixedForm):
    status = SelectField(_l("Status"), choices=options(choices(PlanStatus)))
