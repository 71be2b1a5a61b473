# Samples that each semgrep rule in .semgrep/ must flag (tests/test_static_checks.py). Not imported.
# ruff: noqa
import flask
from flask import send_file, send_from_directory
from markupsafe import Markup
from sqlalchemy import text

from tacenter.extensions import csrf


def markup_on_model_data(request_row):
    return Markup(request_row.title)  # expect: tacenter-markup-on-non-literal


def sql_fstring(session, name):
    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))  # expect: tacenter-sql-text-fstring


def sql_format(session, name):
    return session.execute(text("SELECT * FROM users WHERE name = '{}'".format(name)))  # expect: tacenter-sql-text-fstring


@csrf.exempt  # expect: tacenter-csrf-exempt
def webhook():
    return "ok"


def inline_download(path):
    return send_file(path)  # expect: tacenter-send-file-not-attachment


def inline_download_false(path):
    return flask.send_file(path, as_attachment=False)  # expect: tacenter-send-file-not-attachment


def inline_from_directory(folder, name):
    return send_from_directory(folder, name)  # expect: tacenter-send-file-not-attachment


def long_countdown(task):
    task.apply_async(args=[1], countdown=3600)  # expect: tacenter-celery-countdown-over-visibility-timeout


def long_retry(self):
    raise self.retry(countdown=86400)  # expect: tacenter-celery-countdown-over-visibility-timeout


def eta(task, when):
    task.apply_async(args=[1], eta=when)  # expect: tacenter-celery-eta
