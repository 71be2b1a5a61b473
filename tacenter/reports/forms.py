"""The filter form of the dashboard and reports: shape only; ReportFilters allow-lists the values."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tacenter.formkit import options


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField("Period", validators=[Optional()])
    start = DateField("From", description="Used when the period is “Dates below”.", validators=[Optional()])
    end = DateField("To", validators=[Optional()])
    program = SelectField("Program", validators=[Optional()])
    state = SelectField("State or territory", validators=[Optional()])
    org_type = SelectField("Organization type", validators=[Optional()])
    topic = SelectField("Topic", validators=[Optional()])
    tier = SelectField("Tier", validators=[Optional()])
    staff = SelectField("Staff member", validators=[Optional()])

    def set_choices(self, periods, lists: dict[str, list[tuple[str, str]]]) -> None:
        self.period.choices = options(periods)
        for name, any_label in (
            ("program", "Any program"),
            ("state", "Any state"),
            ("org_type", "Any type"),
            ("topic", "Any topic"),
            ("tier", "Any tier"),
            ("staff", "Anyone"),
        ):
            getattr(self, name).choices = options([("", any_label)] + lists[name])


class FunderReportForm(FlaskForm):
    start = DateField("First day", validators=[DataRequired(message="Enter the first day as YYYY-MM-DD.")])
    end = DateField("Last day", validators=[DataRequired(message="Enter the last day as YYYY-MM-DD.")])


class NarrativeForm(FlaskForm):
    narrative = TextAreaField(
        "Narrative",
        description="A short account for the funder: highlights, challenges, plans.",
        validators=[Optional(), Length(max=20000)],
    )
