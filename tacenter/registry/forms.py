from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


def _optional_int(value):
    return int(value) if str(value).isdigit() else None


class ApproveForm(FlaskForm):
    pass


class MergeForm(FlaskForm):
    into_id = SelectField(
        "Merge into", coerce=_optional_int, validators=[DataRequired(message="Choose an organization.")]
    )
    note = StringField("Why (optional)", validators=[Optional(), Length(max=500)])
