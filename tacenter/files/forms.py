from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import MultipleFileField


class AttachForm(FlaskForm):
    files = MultipleFileField("Files", description="PDF, Word, Excel, PowerPoint, images, text or CSV.")
