from __future__ import annotations

from wtforms import MultipleFileField

from tacenter.formkit import PrefixedForm


class AttachForm(PrefixedForm):
    form_prefix = "attach"
    files = MultipleFileField("Files", description="PDF, Word, Excel, PowerPoint, images, text or CSV.")
