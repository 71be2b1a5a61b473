"""The group TA blueprint, shared by the event and collaborative pages."""

from flask import Blueprint

bp = Blueprint("group_ta", __name__)
