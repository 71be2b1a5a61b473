"""Access rules for views. Every view declares one, so a route without a rule is a defect.

`require_roles(...)` lets in signed-in users with those roles; `public` marks a view
that anyone may reach. Object-level rules live with each feature's scoping query.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from tacenter.vocab import STAFF_SIDE, Role

ANY_SIGNED_IN = frozenset(Role)


def public(view: Callable) -> Callable:
    view.access_rule = "public"
    return view


def require_roles(*roles: Role) -> Callable[[Callable], Callable]:
    allowed = frozenset(roles) or ANY_SIGNED_IN

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role_enum not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.access_rule = allowed
        return wrapper

    return decorate


signed_in = require_roles()
staff_side = require_roles(*STAFF_SIDE)
