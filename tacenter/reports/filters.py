"""Dashboard and report filters: every key and value allow-listed before it reaches SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, select, true

from tacenter.accounts.models import Organization
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.reports.periods import Period, parse_period
from tacenter.vocab import STATES, OrgType, Tier

ORG_TYPES = {t.value for t in OrgType}
TIERS = {t.value for t in Tier}


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True)
class ReportFilters:
    period: Period
    program: int | None = None
    state: str = ""
    org_type: str = ""
    topic: int | None = None
    tier: str = ""
    staff: int | None = None  # the assigned staff member
    errors: tuple[str, ...] = field(default=())

    @classmethod
    def from_args(cls, args, *, today: date) -> ReportFilters:
        period, error = parse_period(
            args.get("period", ""), args.get("start", ""), args.get("end", ""), today=today
        )
        state, org_type, tier = args.get("state", ""), args.get("org_type", ""), args.get("tier", "")
        return cls(
            period=period,
            program=_id(args.get("program")),
            state=state if state in STATES else "",
            org_type=org_type if org_type in ORG_TYPES else "",
            topic=_id(args.get("topic")),
            tier=tier if tier in TIERS else "",
            staff=_id(args.get("staff")),
            errors=(error,) if error else (),
        )

    def with_period(self, period: Period) -> ReportFilters:
        return ReportFilters(
            period, self.program, self.state, self.org_type, self.topic, self.tier, self.staff
        )

    def request_condition(self) -> ColumnElement[bool]:
        """The non-period filters as one condition on TARequest."""
        parts = []
        if self.program is not None:
            parts.append(TARequest.program_id == self.program)
        if self.state:
            parts.append(TARequest.state == self.state)
        if self.org_type:
            parts.append(
                TARequest.organization_id.in_(
                    select(Organization.id).where(Organization.org_type == self.org_type)
                )
            )
        if self.topic is not None:
            parts.append(
                TARequest.id.in_(
                    select(ta_request_topic.c.ta_request_id).where(ta_request_topic.c.topic_id == self.topic)
                )
            )
        if self.tier:
            parts.append(TARequest.tier == self.tier)
        if self.staff is not None:
            parts.append(TARequest.assignee_id == self.staff)
        return and_(true(), *parts)

    @property
    def narrows_requests(self) -> bool:
        return any(
            getattr(self, n) not in (None, "")
            for n in ("program", "state", "org_type", "topic", "tier", "staff")
        )

    def rows_of_requests(self, request_id: ColumnElement) -> ColumnElement[bool]:
        """Activities or surveys (by their request id) of the filtered requests; no join when unfiltered."""
        if not self.narrows_requests:
            return true()
        return request_id.in_(select(TARequest.id).where(self.request_condition()))

    def query_args(self) -> dict[str, str]:
        """These filters as query-string values (for links and downloads)."""
        args = {"period": self.period.key}
        if self.period.key == "custom":
            args |= {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        for name in ("program", "state", "org_type", "topic", "tier", "staff"):
            value = getattr(self, name)
            if value not in (None, ""):
                args[name] = str(value)
        return args

    def queue_args(self, **extra) -> dict[str, str]:
        """The queue's filters for the requests behind a figure."""
        args = {"stage": "all"}
        for mine, theirs in (
            ("program", "program"),
            ("state", "state"),
            ("topic", "topic"),
            ("tier", "tier"),
            ("org_type", "org_type"),
            ("staff", "assignee"),
        ):
            value = getattr(self, mine)
            if value not in (None, ""):
                args[theirs] = str(value)
        args.update({k: v for k, v in extra.items() if v is not None})
        return args
