"""The routing blueprint and its role sets, shared by views.py and profile_views.py.

Both page modules register routes on `bp`; keeping it here lets neither import the other.
"""

from __future__ import annotations

from flask import Blueprint

from tacenter.vocab import Role

bp = Blueprint("routing", __name__)
LEADS = (Role.LEAD, Role.ADMIN)
WORKERS = (Role.STAFF, Role.LEAD, Role.ADMIN)
