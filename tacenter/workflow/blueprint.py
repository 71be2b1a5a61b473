"""The workflow blueprint, shared by views.py (the request page) and queue_views.py (the queue).

Both page modules register routes on `bp`; keeping it here lets neither import the other.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workflow", __name__)
