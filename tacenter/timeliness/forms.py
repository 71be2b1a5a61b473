from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

_DAYS = [InputRequired(message="Enter a number of business days."), NumberRange(min=0, max=365)]


class TargetForm(FlaskForm):
    first_response_days = IntegerField("First response within (business days)", validators=_DAYS)
    assignment_days = IntegerField("Assignment within (business days)", validators=_DAYS)
    delivery_days = IntegerField(
        "Delivery within (business days)",
        validators=_DAYS,
        description="Used when the requester gave no needed-by date.",
    )
