from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField

from tacenter.formkit import PrefixedForm


class AttachForm(PrefixedForm):
    form_prefix = "attach"
    files = MultipleFileField(
        _l("Files"), description=_l("PDF, Word, Excel, PowerPoint, images, text or CSV.")
    )
