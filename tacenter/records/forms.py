from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tacenter.formkit import options
from tacenter.records.columns import KINDS


class ImportForm(FlaskForm):
    kind = SelectField(
        "What the file holds",
        choices=options([(k.key, k.title) for k in KINDS.values()]),
        validators=[DataRequired(message="Choose what the file holds.")],
    )
    upload = FileField("CSV or Excel file", validators=[FileRequired(message="Choose a file.")])
    sheet = StringField(
        "Sheet (Excel, optional)",
        description="Needed only when a workbook has several sheets with data.",
        validators=[Optional(), Length(max=100)],
    )


class CommitForm(FlaskForm):
    pass
