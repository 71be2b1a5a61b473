from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import Optional

from tacenter.formkit import options
from tacenter.i18n import NATIVE_NAMES
from tacenter.i18n import lazy_gettext as _l
from tacenter.notifications.models import EmailMode
from tacenter.vocab import choices


class PreferenceForm(FlaskForm):
    # Each language in its own name; the list is the center's languages (set in the view).
    locale = SelectField(
        _l("Language of your pages and emails"),
        choices=options(NATIVE_NAMES.items()),
        validators=[Optional()],
    )
    email_mode = RadioField(
        _l("How should we email you about notifications?"),
        choices=options(choices(EmailMode)),
        description=_l("Reminders about your own late work are always emailed."),
    )
