"""The routing rules as pure Python: who is eligible for a request, and how well each fits.

No database here: `engine.py` gathers the facts with a fixed number of queries and
calls `rank`. Each factor adds to the score with a weight from RoutingSettings, and
each says in words why ("covers NM; primary in Financing and Medicaid; 4 of 6 capacity").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tacenter.routing.models import Level, RoutingSettings


@dataclass(frozen=True)
class RequestFacts:
    id: int
    reference: str
    state: str
    program_id: int | None
    program_name: str | None
    tier: str
    needed_by: date | None
    version: int = 1


@dataclass(frozen=True)
class StaffFacts:
    user_id: int
    name: str
    capacity: float
    load: float
    open_count: int
    last_assigned_at: datetime | None
    backup_name: str | None


@dataclass
class Fit:
    """What one staff member has in common with one request."""

    topics: list[tuple[str, str]] = field(default_factory=list)  # (level, topic name)
    covers_state: bool = False
    supports_program: bool = False
    away: tuple[date, date] | None = None  # an absence covering the needed date
    away_today: tuple[date, date] | None = None


@dataclass
class Candidate:
    user_id: int
    name: str
    score: float
    eligible: bool
    reasons: list[str]
    blockers: list[str]
    load: float
    capacity: float
    last_assigned_at: datetime | None

    @property
    def reason_text(self) -> str:
        return "; ".join(self.blockers + self.reasons)


def number(value: float) -> str:
    """4.0 -> '4', 4.5 -> '4.5': loads read like counts."""
    return f"{value:g}"


def day(value: date) -> str:
    return value.strftime("%b %-d")


def _topic_score(topics: list[tuple[str, str]], settings: RoutingSettings) -> tuple[float, list[str]]:
    if not topics:
        return 0.0, []
    ordered = sorted(topics, key=lambda t: (t[0] != Level.PRIMARY.value, t[1]))
    best = settings.weight_primary if ordered[0][0] == Level.PRIMARY.value else settings.weight_secondary
    score = best + settings.weight_extra_topic * (len(ordered) - 1)
    return score, [f"{level} in {name}" for level, name in ordered]


def assess(
    request: RequestFacts, staff: StaffFacts, fit: Fit, settings: RoutingSettings, *, on: date
) -> Candidate:
    """Score one person for one request and say why; blockers make them ineligible."""
    weight = settings.tier_weights().get(request.tier, settings.tier_targeted)
    reasons: list[str] = []
    blockers: list[str] = []
    score = 0.0
    if fit.covers_state:
        score += settings.weight_state
        reasons.append(f"covers {request.state}")
    elif settings.require_state:
        blockers.append(f"does not cover {request.state}")
    else:
        reasons.append(f"does not cover {request.state}")
    topic_score, topic_words = _topic_score(fit.topics, settings)
    score += topic_score
    if topic_words:
        reasons.extend(topic_words)
    elif settings.require_topic:
        blockers.append("no expertise in the request's topics")
    if request.program_id is not None and fit.supports_program:
        score += settings.weight_program
        reasons.append(f"supports {request.program_name}")
    capacity = max(staff.capacity, 0.0)
    share = staff.load / capacity if capacity else 1.5
    score -= settings.weight_load * min(share, 1.5)
    if staff.load + weight > capacity:
        blockers.append(f"at capacity ({number(staff.load)} of {number(capacity)})")
    else:
        reasons.append(f"{number(staff.load)} of {number(capacity)} capacity")
    if fit.away is not None:
        blockers.append(f"away {day(fit.away[0])} to {day(fit.away[1])} (needed {day(on)})")
    elif fit.away_today is not None:
        score -= settings.penalty_away_today
        reasons.append(f"away until {day(fit.away_today[1])}")
    if staff.backup_name and (fit.away or fit.away_today):
        reasons.append(f"backup: {staff.backup_name}")
    return Candidate(
        user_id=staff.user_id,
        name=staff.name,
        score=round(score, 2),
        eligible=not blockers,
        reasons=reasons,
        blockers=blockers,
        load=staff.load,
        capacity=capacity,
        last_assigned_at=staff.last_assigned_at,
    )


def _order(candidate: Candidate):
    # Ties go to whoever was assigned least recently (never assigned first): fair turns.
    last = candidate.last_assigned_at.timestamp() if candidate.last_assigned_at else float("-inf")
    return (not candidate.eligible, -candidate.score, last, candidate.name, candidate.user_id)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=_order)


def why_no_one(candidates: list[Candidate]) -> list[str]:
    """Counts of what made people ineligible, for telling a lead why nothing was assigned."""
    if not candidates:
        return ["No active staff member has a routing profile."]
    counts: dict[str, int] = {}
    for candidate in candidates:
        for blocker in candidate.blockers:
            kind = blocker.split(" (")[0]
            kind = "away on the needed date" if kind.startswith("away") else kind
            counts[kind] = counts.get(kind, 0) + 1
    return [f"{n} {'person' if n == 1 else 'people'}: {kind}" for kind, n in sorted(counts.items())]
