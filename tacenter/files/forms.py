from __future__ import annotations

from wtforms import MultipleFileField

from tacenter.formkit import PrefixedForm
from tacenter.i18n import lazy_gettext as _l


class AttachForm(PrefixedForm):
    form_prefix = "attach"
    files = MultipleFileField(
        _l("Files"), description=_l("PDF, Word, Excel, PowerPoint, images, text or CSV.")
    )
