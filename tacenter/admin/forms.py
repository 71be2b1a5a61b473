from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tacenter.formkit import options
from tacenter.vocab import STATE_CHOICES, OrgType, Role, choices


def _optional_int(value):
    return int(value) if str(value).isdigit() else None


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Name or email", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=options([("", "Any role")] + choices(Role)), validators=[Optional()])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options(choices(Role)), validators=[DataRequired()])
    organization_id = SelectField(
        "Organization (for requesters)", coerce=_optional_int, validators=[Optional()]
    )


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    org_type = SelectField("Type", choices=options(choices(OrgType)), validators=[DataRequired()])
    state = SelectField(
        "State or territory",
        choices=options([("", "Choose…")] + STATE_CHOICES),
        validators=[DataRequired(message="Choose a state or territory.")],
    )
    other_states = StringField(
        "Other states or territories",
        description="Further states a tribal organization spans, as codes separated by semicolons: AZ;NM;UT.",
        validators=[Optional(), Length(max=200)],
    )
    is_tribal = BooleanField("Tribal organization")
    is_territory = BooleanField("Territory organization")


class GrantForm(FlaskForm):
    program_id = SelectField(
        "Grant program", coerce=_optional_int, validators=[DataRequired(message="Choose a grant program.")]
    )
    grant_number = StringField(
        "Grant number", validators=[DataRequired(message="Give the grant number."), Length(max=40)]
    )
    project_start = DateField(
        "Project period start", validators=[DataRequired(message="Give the date the project period starts.")]
    )
    project_end = DateField(
        "Project period end",
        description="To end a grant early, set this to its last day.",
        validators=[DataRequired(message="Give the date the project period ends.")],
    )
    gpo_name = StringField("Project officer (GPO)", validators=[Optional(), Length(max=120)])
    gpo_email = StringField("Project officer's email", validators=[Optional(), Length(max=254)])
    project_director = StringField("Project director", validators=[Optional(), Length(max=120)])


class CatalogEntryForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    name_es = StringField(
        "Name in Spanish",
        validators=[Optional(), Length(max=120)],
        description="What requesters who use Spanish read. Without it they read the English name.",
    )
    active = BooleanField(
        "Active", default=True, description="Inactive entries stay on past requests but leave the forms."
    )


class CenterForm(FlaskForm):
    name = StringField(
        "Center name",
        description="As your funder knows it; it heads every funder report.",
        validators=[DataRequired(message="Give the center's name."), Length(min=2, max=200)],
    )
    require_two_factor_for_all = BooleanField(
        "Require two-factor sign-in of requesters and TA staff too",
        description="Leads, leadership and admins always need a second factor.",
    )
    require_sso_for_staff = BooleanField(
        "Staff-side users sign in only through single sign-on",
        description="Password sign-in is refused for TA staff, leads, leadership and admins. "
        "Needs a provider in TACENTER_OIDC_PROVIDERS.",
    )
    follow_up_days = StringField(
        "Follow-up windows (days after closing)",
        description="Comma-separated, such as 30,90. The requester gets a short follow-up at each.",
        validators=[Optional(), Length(max=40)],
    )
    follow_up_remind_days = IntegerField(
        "Days before the one reminder",
        validators=[Optional(), NumberRange(min=1, max=90, message="From 1 to 90 days.")],
    )
    follow_up_lapse_days = IntegerField(
        "Days after the reminder before the follow-up closes",
        validators=[Optional(), NumberRange(min=1, max=90, message="From 1 to 90 days.")],
    )
    event_survey_days = IntegerField(
        "Days an event's participant survey stays open",
        description="Counted from the event's day. Empty: unchanged (14 until set).",
        validators=[Optional(), NumberRange(min=1, max=90, message="From 1 to 90 days.")],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    actor = StringField("Actor email", validators=[Optional(), Length(max=254)])
    action = SelectField("Action", validators=[Optional()])
    outcome = SelectField("Outcome", validators=[Optional()])
    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])
