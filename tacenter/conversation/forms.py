from __future__ import annotations

from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

from tacenter.formkit import PrefixedForm
from tacenter.i18n import lazy_gettext as _l


class ReplyForm(PrefixedForm):
    form_prefix = "reply"
    body = TextAreaField(
        _l("Your reply"),
        description=_l(
            "You can use Markdown: **bold**, *italic*, lists and links. "
            "The requester and TA staff see replies."
        ),
        validators=[DataRequired(message=_l("Write your reply before sending.")), Length(max=20000)],
    )
    files = MultipleFileField(_l("Attach files (optional)"))


class NoteForm(PrefixedForm):
    form_prefix = "note"
    body = TextAreaField(
        _l("Internal note"),
        description=_l("Only TA staff see internal notes; the requester never does."),
        validators=[DataRequired(message=_l("Write the note before saving.")), Length(max=20000)],
    )
