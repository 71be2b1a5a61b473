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
    backup_id: int | None = None


PRIMARY, SECONDARY = Level.PRIMARY.value, Level.SECONDARY.value


@dataclass(frozen=True)
class Rules:
    """The settings copied into plain values once per ranking (ORM attributes are slow in a loop)."""

    weight_primary: float
    weight_secondary: float
    weight_extra_topic: float
    weight_state: float
    weight_program: float
    weight_load: float
    penalty_away_today: float
    tier_weights: dict
    tier_default: float
    require_topic: bool
    require_state: bool

    @classmethod
    def of(cls, settings: RoutingSettings) -> Rules:
        return cls(
            settings.weight_primary,
            settings.weight_secondary,
            settings.weight_extra_topic,
            settings.weight_state,
            settings.weight_program,
            settings.weight_load,
            settings.penalty_away_today,
            settings.tier_weights(),
            settings.tier_targeted,
            settings.require_topic,
            settings.require_state,
        )

    def weight(self, tier: str) -> float:
        return self.tier_weights.get(tier, self.tier_default)


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
    load: float
    capacity: float
    last_assigned_at: datetime | None
    # What the words are built from, only when someone reads them (triage shows three).
    request: RequestFacts = field(repr=False)
    staff: StaffFacts = field(repr=False)
    fit: Fit = field(repr=False)
    rules: Rules = field(repr=False)
    on: date = field(repr=False)
    match: float = field(default=0.0, repr=False)  # the fit alone: topics, state, program
    covering_for: str | None = None  # the best match, away, whom this person backs up

    @property
    def reasons(self) -> list[str]:
        return explain(self)[0]

    @property
    def blockers(self) -> list[str]:
        return explain(self)[1]

    @property
    def reason_text(self) -> str:
        reasons, blockers = explain(self)
        return "; ".join(blockers + reasons)


def number(value: float) -> str:
    """4.0 -> '4', 4.5 -> '4.5': loads read like counts."""
    return f"{value:g}"


def day(value: date) -> str:
    return value.strftime("%b %-d")


def _best_topic(topics: list[tuple[str, str]]) -> str | None:
    if not topics:
        return None
    return (
        Level.PRIMARY.value
        if any(level == Level.PRIMARY.value for level, _ in topics)
        else Level.SECONDARY.value
    )


def assess(request: RequestFacts, staff: StaffFacts, fit: Fit, rules: Rules, *, on: date) -> Candidate:
    """Score one person for one request. Ineligible: no topic match (when required), not
    covering the state (when required), no room for this request's weight, away on the date."""
    score = rules.weight_state if fit.covers_state else 0.0
    best = _best_topic(fit.topics)
    if best is not None:
        score += rules.weight_primary if best == PRIMARY else rules.weight_secondary
        score += rules.weight_extra_topic * (len(fit.topics) - 1)
    if request.program_id is not None and fit.supports_program:
        score += rules.weight_program
    match = score
    capacity = max(staff.capacity, 0.0)
    score -= rules.weight_load * min(staff.load / capacity if capacity else 1.5, 1.5)
    if fit.away is None and fit.away_today is not None:
        score -= rules.penalty_away_today
    eligible = (
        (best is not None or not rules.require_topic)
        and (fit.covers_state or not rules.require_state)
        and staff.load + rules.weight(request.tier) <= capacity
        and fit.away is None
    )
    return Candidate(
        staff.user_id,
        staff.name,
        round(score, 2),
        eligible,
        staff.load,
        capacity,
        staff.last_assigned_at,
        request,
        staff,
        fit,
        rules,
        on,
        match,
    )


def cover_for_away(candidates: list[Candidate]) -> None:
    """When the best match for a request (by fit, whatever their load) is away, their backup,
    if eligible and not away too, is suggested first: covering for them (see routing.cover)."""
    if not candidates:
        return
    best = max(candidates, key=lambda c: (c.match, -c.user_id))
    if best.staff.backup_id is None or not (best.fit.away or best.fit.away_today):
        return
    for candidate in candidates:
        if candidate.user_id == best.staff.backup_id and candidate.eligible and not candidate.fit.away_today:
            candidate.covering_for = best.name


def explain(candidate: Candidate) -> tuple[list[str], list[str]]:
    """The reasons and the blockers of an assessment, in words."""
    request, staff, fit, rules = candidate.request, candidate.staff, candidate.fit, candidate.rules
    reasons: list[str] = (
        [f"covering for {candidate.covering_for}, who is away"] if candidate.covering_for else []
    )
    blockers: list[str] = []
    if fit.covers_state:
        reasons.append(f"covers {request.state}")
    else:
        (blockers if rules.require_state else reasons).append(f"does not cover {request.state}")
    ordered = sorted(fit.topics, key=lambda t: (t[0] != PRIMARY, t[1]))
    reasons.extend(f"{level} in {name}" for level, name in ordered)
    if not ordered and rules.require_topic:
        blockers.append("no expertise in the request's topics")
    if request.program_id is not None and fit.supports_program:
        reasons.append(f"supports {request.program_name}")
    weight = rules.weight(request.tier)
    load, capacity = number(candidate.load), number(candidate.capacity)
    if candidate.load + weight > candidate.capacity:
        blockers.append(f"at capacity ({load} of {capacity})")
    else:
        reasons.append(f"{load} of {capacity} capacity")
    if fit.away is not None:
        blockers.append(f"away {day(fit.away[0])} to {day(fit.away[1])} (needed {day(candidate.on)})")
    elif fit.away_today is not None:
        reasons.append(f"away until {day(fit.away_today[1])}")
    if staff.backup_name and (fit.away or fit.away_today):
        reasons.append(f"backup: {staff.backup_name}")
    return reasons, blockers


def _order(candidate: Candidate):
    # Ties go to whoever was assigned least recently (never assigned first): fair turns.
    last = candidate.last_assigned_at.timestamp() if candidate.last_assigned_at else float("-inf")
    covering = candidate.covering_for is not None
    return (not candidate.eligible, not covering, -candidate.score, last, candidate.name, candidate.user_id)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=_order)


def why_no_one(candidates: list[Candidate], *, unmatched: int = 0) -> list[str]:
    """Counts of what made people ineligible, for telling a lead why nothing was assigned.
    `unmatched`: people left out before scoring for lacking the topic."""
    counts: dict[str, int] = {}
    if unmatched:
        counts["no expertise in the request's topics"] = unmatched
    for candidate in candidates:
        for blocker in candidate.blockers:
            kind = blocker.split(" (")[0]
            kind = "away on the needed date" if kind.startswith("away") else kind
            counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return ["No active staff member has a routing profile."]
    return [f"{n} {'person' if n == 1 else 'people'}: {kind}" for kind, n in sorted(counts.items())]
