from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

MARKDOWN_HINT = "You can use Markdown: **bold**, *italic*, lists and links."


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        description=MARKDOWN_HINT + " The requester and TA staff see replies.",
        validators=[DataRequired(message="Write your reply before sending."), Length(max=20000)],
    )
    files = MultipleFileField("Attach files (optional)")


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note",
        description="Only TA staff see internal notes; the requester never does.",
        validators=[DataRequired(message="Write the note before saving."), Length(max=20000)],
    )
