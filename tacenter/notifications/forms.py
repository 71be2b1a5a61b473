from flask_wtf import FlaskForm
from wtforms import RadioField

from tacenter.formkit import options
from tacenter.notifications.models import EmailMode


class PreferenceForm(FlaskForm):
    email_mode = RadioField(
        "How should we email you about notifications?",
        choices=options((m.value, m.label) for m in EmailMode),
        description="Reminders about your own late work are always emailed.",
    )
