from __future__ import annotations

from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

from tacenter.formkit import PrefixedForm

MARKDOWN_HINT = "You can use Markdown: **bold**, *italic*, lists and links."


class ReplyForm(PrefixedForm):
    form_prefix = "reply"
    body = TextAreaField(
        "Your reply",
        description=MARKDOWN_HINT + " The requester and TA staff see replies.",
        validators=[DataRequired(message="Write your reply before sending."), Length(max=20000)],
    )
    files = MultipleFileField("Attach files (optional)")


class NoteForm(PrefixedForm):
    form_prefix = "note"
    body = TextAreaField(
        "Internal note",
        description="Only TA staff see internal notes; the requester never does.",
        validators=[DataRequired(message="Write the note before saving."), Length(max=20000)],
    )
