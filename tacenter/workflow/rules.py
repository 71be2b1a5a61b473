"""The workflow as data: stages and the transitions between them, with who may make each.

Pure Python, no database: `change_stage` in services.py consults this table and is
the only code that writes a request's stage. Edit the table to change the process.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import Role


class Stage(enum.StrEnum):
    SUBMITTED = "submitted"
    TRIAGE = "triage"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_REQUESTER = "waiting_on_requester"
    DELIVERED = "delivered"
    CLOSED = "closed"
    DECLINED = "declined"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return LABELS[self]  # in the reader's language


class _Labels(dict):
    """Stage -> label: each lookup is a plain string in the reader's language (exports, sorting
    and templates alike); iterating gives the lazy labels, for choices built at import."""

    def __getitem__(self, key) -> str:
        return str(super().__getitem__(key))

    def get(self, key, default=None):
        return self.__getitem__(key) if key in self else default


LABELS = _Labels(
    {
        Stage.SUBMITTED: _l("Submitted"),
        Stage.TRIAGE: _l("Triage"),
        Stage.ASSIGNED: _l("Assigned"),
        Stage.IN_PROGRESS: _l("In progress"),
        Stage.WAITING_ON_REQUESTER: _l("Waiting on requester"),
        Stage.DELIVERED: _l("Delivered"),
        Stage.CLOSED: _l("Closed"),
        Stage.DECLINED: _l("Declined"),
        Stage.REFERRED: _l("Referred"),
    }
)

INITIAL = Stage.SUBMITTED
FINISHED = frozenset({Stage.CLOSED, Stage.DECLINED, Stage.REFERRED})
OPEN = frozenset(Stage) - FINISHED
OPEN_VALUES = tuple(sorted(s.value for s in OPEN))  # one fixed order: an index predicate matches it
UNASSIGNED = frozenset({Stage.SUBMITTED, Stage.TRIAGE})

_LEADS = frozenset({Role.LEAD, Role.ADMIN})
_STAFF = frozenset({Role.STAFF, Role.LEAD, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    source: Stage
    target: Stage
    action: str  # the button's words
    roles: frozenset[Role]
    note_required: bool = False
    # Staff may only move requests assigned to them; leads and admins may move any.
    assignee_only: bool = True
    # Made by assigning someone, not by the stage form.
    by_assignment: bool = False


def _t(sources, target, action, roles, **kw) -> list[Transition]:
    return [Transition(Stage(s), target, action, roles, **kw) for s in sources]


TRANSITIONS: list[Transition] = [
    *_t([Stage.SUBMITTED], Stage.TRIAGE, "Start triage", _LEADS),
    *_t([Stage.SUBMITTED, Stage.TRIAGE], Stage.ASSIGNED, "Assign", _LEADS, by_assignment=True),
    *_t([Stage.ASSIGNED], Stage.IN_PROGRESS, "Start work", _STAFF),
    *_t([Stage.IN_PROGRESS], Stage.WAITING_ON_REQUESTER, "Ask the requester", _STAFF, note_required=True),
    *_t([Stage.WAITING_ON_REQUESTER], Stage.IN_PROGRESS, "Resume work", _STAFF | {Role.REQUESTER}),
    *_t([Stage.IN_PROGRESS], Stage.DELIVERED, "Mark delivered", _STAFF),
    *_t([Stage.DELIVERED], Stage.IN_PROGRESS, "More work needed", _STAFF),
    *_t([Stage.DELIVERED], Stage.CLOSED, "Close", _STAFF),
    *_t([Stage.SUBMITTED, Stage.TRIAGE], Stage.DECLINED, "Decline", _LEADS, note_required=True),
    *_t(
        [Stage.SUBMITTED, Stage.TRIAGE, Stage.ASSIGNED, Stage.IN_PROGRESS],
        Stage.REFERRED,
        "Refer elsewhere",
        _LEADS,
        note_required=True,
    ),
    # Made only by the reminder sweep (no role may choose it): staff can reopen.
    *_t([Stage.WAITING_ON_REQUESTER], Stage.CLOSED, "Close as unanswered", frozenset(), note_required=True),
    *_t([Stage.CLOSED], Stage.IN_PROGRESS, "Reopen", _STAFF, note_required=True),
    *_t([Stage.DECLINED, Stage.REFERRED], Stage.TRIAGE, "Reopen", _LEADS, note_required=True),
]

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    try:
        return _BY_PAIR.get((Stage(source), Stage(target)))
    except ValueError:
        return None


def may_make(transition: Transition, role: Role, *, is_assignee: bool, is_own_organization: bool) -> bool:
    """Whether a person in `role` may make `transition` on a given request."""
    if role not in transition.roles:
        return False
    if role == Role.REQUESTER:
        return is_own_organization
    if role == Role.STAFF and transition.assignee_only:
        return is_assignee
    return True


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == Stage(source)]
