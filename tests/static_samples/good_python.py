# What the same rules must let pass (tests/test_static_checks.py). Not imported.
# ruff: noqa
from flask import send_file
from markupsafe import Markup
from sqlalchemy import text


def escaped_markup(value):
    return Markup("<option>{}</option>").format(value)


def bound_sql(session, name):
    return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})


def attachment(path):
    return send_file(path, as_attachment=True, download_name="x.pdf")


def short_retry(self):
    raise self.retry(countdown=30)
