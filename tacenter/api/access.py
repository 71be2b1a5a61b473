"""Per-operation access for the API: the roles an operation admits, declared on the view.

Put it right under `@bp.route`, above smorest's `arguments`/`response`: a role that may not use
the operation gets 403 before its input is read. Like the pages' `require_roles`, it is data
(`view.access_rule`) the access-matrix test reads; object-level rules stay in each feature's
services and scoping queries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask_login import current_user

from tacenter.errors import NotAllowed
from tacenter.vocab import STAFF_SIDE, Role

EVERYONE = frozenset(Role)


def allow(*roles: Role) -> Callable[[Callable], Callable]:
    allowed = frozenset(roles) or EVERYONE

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role_enum not in allowed:
                raise NotAllowed("Your role cannot use this operation.")
            return view(*args, **kwargs)

        wrapper.access_rule = allowed
        wrapper.api_operation = True
        return wrapper

    return decorate


anyone = allow()
staff_side = allow(*STAFF_SIDE)
