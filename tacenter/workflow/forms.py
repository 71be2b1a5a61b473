from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tacenter.formkit import options
from tacenter.vocab import STATE_CHOICES, GoalMet, OrgType, Tier, Urgency, choices
from tacenter.workflow.rules import LABELS

SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "needed_by": "Needed-by date",
    "updated": "Recently updated",
}
# Needed-by windows, counted in the center's local dates when the queue is read.
DUE = {"overdue": "Past its needed-by date", "week": "Needed within 7 days"}


class QueueFilterForm(FlaskForm):
    """Filters read from the query string: shape only; the query allow-lists every key."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Words", validators=[Optional(), Length(max=200)])
    stage = SelectField(
        "Stage",
        choices=options(
            [("", "Any open stage"), ("all", "Any stage")] + [(s.value, label) for s, label in LABELS.items()]
        ),
        validators=[Optional()],
    )
    topic = SelectField("Topic", coerce=str, validators=[Optional()])
    state = SelectField(
        "State", choices=options([("", "Any state")] + STATE_CHOICES), validators=[Optional()]
    )
    program = SelectField("Program", coerce=str, validators=[Optional()])
    assignee = SelectField("Assignee", coerce=str, validators=[Optional()])
    sort = SelectField(
        "Sort by", choices=options(list(SORTS.items())), default="oldest", validators=[Optional()]
    )
    # Set by the dashboard's links to the requests behind a figure.
    tier = SelectField("Tier", choices=options([("", "Any tier")] + choices(Tier)), validators=[Optional()])
    org_type = SelectField(
        "Organization type", choices=options([("", "Any type")] + choices(OrgType)), validators=[Optional()]
    )
    urgency = SelectField(
        "Urgency", choices=options([("", "Any urgency")] + choices(Urgency)), validators=[Optional()]
    )
    due = SelectField(
        "Needed by", choices=options([("", "Any date")] + list(DUE.items())), validators=[Optional()]
    )
    submitted_from = DateField("Submitted from", validators=[Optional()])
    submitted_to = DateField("Submitted to", validators=[Optional()])
    finished_from = DateField("Finished from", validators=[Optional()])
    finished_to = DateField("Finished to", validators=[Optional()])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100000)])


class StageForm(FlaskForm):
    # The workflow judges the move (rules.py), after the version check: a form opened before
    # someone else moved the request gets the same 409 as any stale form, not a choice error.
    target = SelectField(
        "Move to", validate_choice=False, validators=[DataRequired(message="Choose the next stage.")]
    )
    note = TextAreaField(
        "Note",
        description="Required when declining or referring (the reason), reopening, or asking the requester "
        "(your question: they see it as a reply).",
        validators=[Optional(), Length(max=5000)],
    )
    goal_met = SelectField(
        "Was the requester's goal met?",
        description="When closing.",
        choices=options([("", "Choose"), *choices(GoalMet)]),
        validators=[Optional()],
    )
    outcome_summary = TextAreaField(
        "Outcome summary",
        description="When closing: what was delivered and what changed.",
        validators=[Optional(), Length(max=5000)],
    )
    referred_to = StringField(
        "Referred to",
        description="When referring: the TA provider, e.g. the Part C TA center.",
        validators=[Optional(), Length(max=200)],
    )
    version = HiddenField(validators=[DataRequired()])


class AssignForm(FlaskForm):
    assignee_id = SelectField(
        "Assign to", coerce=int, validators=[DataRequired(message="Choose a staff member.")]
    )
    note = TextAreaField("Note for the assignee", validators=[Optional(), Length(max=5000)])
    version = HiddenField(validators=[DataRequired()])


class SaveViewForm(FlaskForm):
    """Saves the queue's current filters (they travel in the action's query string) under a name."""

    name = StringField(
        "Name this view",
        validators=[DataRequired(message="Give the view a name."), Length(max=80)],
    )
