from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from tacenter.formkit import options
from tacenter.notifications.models import EmailMode
from tacenter.vocab import choices


class PreferenceForm(FlaskForm):
    email_mode = RadioField(
        _l("How should we email you about notifications?"),
        choices=options(choices(EmailMode)),
        description=_l("Reminders about your own late work are always emailed."),
    )
