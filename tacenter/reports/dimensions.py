"""The dimensions reports break figures down by: each a SQL column, the joins it needs, and labels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, literal, select

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.vocab import STATES, DeliveryMode, OrgType, Tier
from tacenter.workflow.rules import LABELS


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    column: Callable[[], ColumnElement]
    join: Callable[[Select], Select] = lambda q: q
    labels: Callable[[], dict] = dict


def _names(model, column) -> Callable[[], dict]:
    return lambda: dict(db.session.execute(select(model.id, column)).all())


REQUEST_DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension(
            "topic",
            "Topic",
            lambda: ta_request_topic.c.topic_id,
            lambda q: q.join(ta_request_topic, ta_request_topic.c.ta_request_id == TARequest.id),
            _names(Topic, Topic.name),
        ),
        Dimension("state", "State or territory", lambda: TARequest.state, labels=lambda: dict(STATES)),
        Dimension("tier", "Tier", lambda: TARequest.tier, labels=lambda: {t.value: t.label for t in Tier}),
        Dimension(
            "program",
            "Grant program",
            lambda: TARequest.program_id,
            labels=_names(GrantProgram, GrantProgram.name),
        ),
        Dimension(
            "org_type",
            "Organization type",
            lambda: Organization.org_type,
            lambda q: q.join(Organization, Organization.id == TARequest.organization_id),
            lambda: {t.value: t.label for t in OrgType},
        ),
        Dimension("staff", "Staff member", lambda: TARequest.assignee_id, labels=_names(User, User.name)),
        Dimension(
            "stage",
            "Stage",
            lambda: TARequest.stage,
            labels=lambda: {s.value: lbl for s, lbl in LABELS.items()},
        ),
    )
}

MODE_LABELS = {m.value: m.label for m in DeliveryMode}


def month_bucket(column: ColumnElement, months, tz: str) -> ColumnElement:
    """The YYYY-MM bucket of a timestamp in the center's time zone.

    PostgreSQL converts the time zone itself; elsewhere a CASE compares with the UTC
    instants where each local month starts (the same buckets, without time zone data).
    """
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(tz, column), "YYYY-MM")
    if len(months) < 2:
        return literal(months[0][0] if months else "")
    # Rows are already inside the period: before month i+1 starts means month i.
    whens = [(column < months[i + 1][1], months[i][0]) for i in range(len(months) - 1)]
    return case(*whens, else_=months[-1][0])


def label_of(dimension: Dimension, labels: dict, key) -> str:
    if key is None:
        return "None" if dimension.key != "staff" else "Unassigned"
    return str(labels.get(key, key))
