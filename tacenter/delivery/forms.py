from __future__ import annotations

from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tacenter.formkit import PrefixedForm, options
from tacenter.intake.forms import CheckboxesField
from tacenter.vocab import DeliveryMode, GoalMet, PlanStatus, choices

RATINGS = [
    (str(n), label) for n, label in [(1, "1 (poor)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (excellent)")]
]


class ActivityForm(PrefixedForm):
    form_prefix = "activity"
    activity_date = DateField("Date", validators=[DataRequired(message="Give the date of the activity.")])
    hours = StringField(
        "Hours",
        description="In quarter hours: 0.25, 0.5, 1.75 … up to 24.",
        validators=[DataRequired(message="Give the hours."), Length(max=10)],
    )
    mode = SelectField("Delivery mode", choices=options(choices(DeliveryMode)))
    participant_count = IntegerField(
        "Participants", default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    participant_roles = StringField(
        "Participants' roles",
        description="E.g. home visitors, clinical supervisors.",
        validators=[Optional(), Length(max=300)],
    )
    topic_ids = CheckboxesField("Topics", coerce=int, validators=[Optional()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])


class GoalForm(PrefixedForm):
    form_prefix = "goal"
    description = TextAreaField(
        "Goal", validators=[DataRequired(message="Describe the goal."), Length(max=2000)]
    )


class StepForm(PrefixedForm):
    form_prefix = "step"
    description = TextAreaField(
        "Planned activity", validators=[DataRequired(message="Describe the activity."), Length(max=2000)]
    )
    target_date = DateField("Target date", validators=[Optional()])
    goal_id = SelectField("For goal", coerce=str, validators=[Optional()])


class StepStatusForm(PrefixedForm):
    status = SelectField("Status", choices=options(choices(PlanStatus)))


class SurveyForm(PrefixedForm):
    usefulness = RadioField(
        "How useful was the help?",
        choices=options(RATINGS),
        validators=[InputRequired(message="Rate the usefulness.")],
    )
    timeliness = RadioField(
        "How timely was it?",
        choices=options(RATINGS),
        validators=[InputRequired(message="Rate the timeliness.")],
    )
    goal_met = RadioField(
        "Was your goal met?",
        choices=options(choices(GoalMet)),
        validators=[InputRequired(message="Say whether it was.")],
    )
    comment = TextAreaField("Anything else? (optional)", validators=[Optional(), Length(max=5000)])
