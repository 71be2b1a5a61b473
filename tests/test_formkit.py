"""The <option> tags the field macro writes are WTForms' own, selection included."""

import re

import pytest
from wtforms import Form, SelectField, SelectMultipleField

from tacenter.formkit import option_tags, options


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class Choices(Form):
    state = SelectField(choices=options([("NM", "New Mexico"), ("OH", "Ohio"), ("X&Y", "<Both>")]))
    program = SelectField(coerce=_optional_int)
    topics = SelectMultipleField(coerce=int)


def _options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r"<option([^>]*)>([^<]*)</option>", str(html))
    return [(re.search(r'value="([^"]*)"', a).group(1), "selected" in a, label) for a, label in found]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"state": "OH", "program": 2, "topics": [1, 3]},
        {"state": "X&Y", "program": None, "topics": []},
    ],
)
def test_option_tags_match_wtforms(data):
    form = Choices(data=data)
    form.program.choices = options([("", "None or not sure"), (1, "LAUNCH"), (2, "Systems of care")])
    form.topics.choices = options([(1, "Financing"), (2, "Workforce"), (3, "Policy")])
    for field in form:
        assert _options(option_tags(field)) == _options(field()), field.name
