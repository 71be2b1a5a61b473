"""Every dashboard and report figure against an independent calculation from the raw rows."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.registry.models import Grant
from tacenter.reports import outcomes, queries, tables
from tacenter.reports.filters import ReportFilters
from tacenter.timeliness.business_days import business_days_between
from tacenter.timeliness.models import TimelinessTarget
from tacenter.timeliness.targets import DEFAULTS
from tests import group_ta_data, reports_data

TZ = "America/New_York"


def targets():
    """(tier, urgency) -> (first response, assignment) days: the defaults under the admin's rows."""
    table = {key: (t.first_response_days, t.assignment_days) for key, t in DEFAULTS.items()}
    for row in db.session.execute(select(TimelinessTarget.__table__)):
        table[(row.tier, row.urgency)] = (row.first_response_days, row.assignment_days)
    return table


def raw():
    reqs = [dict(r._mapping) for r in db.session.execute(select(TARequest.__table__))]
    table = targets()
    for r in reqs:
        r["_first_target"], r["_assign_target"] = table[(r["tier"], r["urgency"])]
    topics = defaultdict(set)
    for rid, tid in db.session.execute(select(ta_request_topic)):
        topics[rid].add(tid)
    org_type = dict(db.session.execute(select(Organization.id, Organization.org_type)).all())
    acts = [dict(r._mapping) for r in db.session.execute(select(TAActivity.__table__))]
    return reqs, topics, org_type, acts, raw_surveys("post_request")


def raw_surveys(purpose: str) -> list[dict]:
    """Submissions as plain dicts with {item code: answer} merged in, pivoted in Python from the
    raw tables (independent of the reports' SQL)."""
    from tacenter.surveys.models import SurveyAnswer, SurveyItem, SurveySubmission

    items = {r.id: r for r in db.session.execute(select(SurveyItem.__table__))}
    subs = {r.id: dict(r._mapping) for r in db.session.execute(select(SurveySubmission.__table__))}
    for a in db.session.execute(select(SurveyAnswer.__table__)):
        item = items[a.item_id]
        value = a.number if a.number is not None else (a.choice or a.text)
        if item.kind == "multi":
            subs[a.submission_id].setdefault(item.code, []).append(a.choice)
        else:
            subs[a.submission_id][item.code] = value
    return [s for s in subs.values() if s["purpose"] == purpose or purpose == "*"]


def raw_group():
    orgs = {o.id: (o.state, o.org_type) for o in db.session.scalars(select(Organization))}
    programs = defaultdict(set)
    for org_id, program_id in db.session.execute(select(Grant.organization_id, Grant.program_id)):
        programs[org_id].add(program_id)
    return group_ta_data.raw_events(), orgs, programs


def group_expected(filters: ReportFilters, period, data, group, mine, lo, hi):
    """The group TA figures from the raw rows: each facilitator's hours once per event, each
    organization once per period, an organization reached only through an event reached."""
    events, orgs, programs = group

    def org_ok(org_id):
        state, kind = orgs[org_id]
        return (
            (not filters.state or state == filters.state)
            and (not filters.org_type or kind == filters.org_type)
            and (filters.program is None or filters.program in programs[org_id])
        )

    narrows = bool(filters.state or filters.org_type or filters.program is not None)
    counted = [
        e
        for e in events
        if e["status"] == "delivered"
        and period.start <= e["event_date"] <= period.end
        and (not filters.tier or e["tier"] == filters.tier)
        and (filters.topic is None or filters.topic in e["topics"])
        and (filters.staff is None or filters.staff in e["facilitators"])
        and (not narrows or any(org_ok(o) for o, _ in e["attendance"]))
    ]
    through_events = {o for e in counted for o, _ in e["attendance"] if org_ok(o)}
    acts = data[3]
    worked = {a["ta_request_id"] for a in acts if a["deleted_at"] is None
              and period.start <= a["activity_date"] <= period.end}  # fmt: skip
    through_requests = {
        r["organization_id"]
        for r in mine
        if r["id"] in worked or (r["delivered_at"] is not None and lo <= r["delivered_at"] < hi)
    }
    return {
        "events": len(counted),
        "event_participants": sum(n for e in counted for o, n in e["attendance"] if org_ok(o))
        + (0 if narrows else sum(e["non_grantee_count"] for e in counted)),
        "event_hours": round(
            sum(
                float(e["duration_hours"]) * (1 if filters.staff is not None else len(e["facilitators"]))
                for e in counted
            ),
            2,
        ),  # fmt: skip
        "orgs_events": len(through_events),
        "orgs_requests": len(through_requests),
        "orgs_reached": len(through_events | through_requests),
        "_counted_events": counted,
        "_events_only": len(through_events - through_requests),
    }


def bounds(period):
    zone = ZoneInfo(TZ)
    return (
        datetime.combine(period.start, time(), zone),
        datetime.combine(period.end + timedelta(days=1), time(), zone),
    )


def pct(values, p):
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return (
        statistics.quantiles(values, n=10, method="inclusive")[8]
        if p == 0.9
        else float(statistics.median(values))
    )


def share(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def expected(filters: ReportFilters, period, now, data, group=None):
    reqs, topics, org_type, acts, surveys = data

    def ok(r):
        return (
            (filters.program is None or r["program_id"] == filters.program)
            and (not filters.state or r["state"] == filters.state)
            and (not filters.org_type or org_type[r["organization_id"]] == filters.org_type)
            and (filters.topic is None or filters.topic in topics[r["id"]])
            and (not filters.tier or r["tier"] == filters.tier)
            and (filters.staff is None or r["assignee_id"] == filters.staff)
        )

    lo, hi = bounds(period)
    mine = [r for r in reqs if ok(r)]
    received = [r for r in mine if lo <= r["submitted_at"] < hi]
    out = {
        "received": len(received),
        "open": sum(
            r["submitted_at"] < hi and (r["finished_at"] is None or r["finished_at"] >= hi) for r in mine
        ),
        "closed": sum(r["finished_at"] is not None and lo <= r["finished_at"] < hi for r in mine),
        "late": sum(
            (r["days_to_first_response"] or 0) > r["_first_target"]
            or (
                r["first_response_at"] is None
                and business_days_between(r["submitted_at"], now, tz=TZ) > r["_first_target"]
            )
            for r in received
        ),
    }
    for name in ("first_response", "assignment", "delivery"):
        values = [r[f"days_to_{name}"] for r in received if r[f"days_to_{name}"] is not None]
        for p in (0.5, 0.9):
            v = pct(values, p)
            out[f"{name}_p{int(p * 100)}"] = None if v is None else round(v, 1)
    answered = [r for r in received if r["days_to_first_response"] is not None]
    assigned = [r for r in received if r["days_to_assignment"] is not None]
    out["first_on_time"] = share(
        sum(r["days_to_first_response"] <= r["_first_target"] for r in answered), len(answered)
    )
    out["assigned_on_time"] = share(
        sum(r["days_to_assignment"] <= r["_assign_target"] for r in assigned), len(assigned)
    )
    ids = {r["id"] for r in mine}
    out["hours"] = round(
        float(
            sum(
                a["hours"]
                for a in acts
                if a["ta_request_id"] in ids
                and a["deleted_at"] is None
                and period.start <= a["activity_date"] <= period.end
            )
        ),
        2,
    )
    sv = [s for s in surveys if s["ta_request_id"] in ids and lo <= s["submitted_at"] < hi]
    rated = [s["usefulness"] for s in sv if s.get("usefulness") is not None]
    out["usefulness"] = round(sum(rated) / len(rated), 2) if rated else None
    out["goal_met"] = share(sum(s.get("goal_met") == "yes" for s in sv), len(sv))
    out["_received"] = received
    out["_surveys"] = sv
    out["_declined"] = sum(
        r["stage"] in ("declined", "referred")
        and r["finished_at"] is not None
        and lo <= r["finished_at"] < hi
        for r in mine
    )
    out["_acts"] = [
        a
        for a in acts
        if a["ta_request_id"] in ids
        and a["deleted_at"] is None
        and period.start <= a["activity_date"] <= period.end
    ]
    if group is not None:
        out |= group_expected(filters, period, data, group, mine, lo, hi)
    return out


FILTER_CASES = [
    {},
    {"period": "fy2026q2"},
    {"period": "fy2025"},
    {"period": "custom", "start": "2025-11-20", "end": "2026-02-10"},
    {"tier": "intensive"},
    {"state": "GU", "period": "fy2026q3"},
    {"org_type": "tribal"},
    {"topic": "TOPIC"},
    {"staff": "STAFF"},
    {"program": "PROGRAM"},
]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_matches_an_independent_calculation(db_session, seed):
    made = group_ta_data.build(seed, reports_data.build(seed))
    now, today = made["now"], made["today"]
    data, group = raw(), raw_group()
    for case in FILTER_CASES:
        args = {
            k: {
                "TOPIC": str(made["topics"][1].id),
                "STAFF": str(made["staff"][0].id),
                "PROGRAM": str(made["programs"][0].id),
            }.get(v, v)
            for k, v in case.items()
        }
        filters = ReportFilters.from_args(args, today=today)
        figures = {f["key"]: f for f in queries.headline(filters, tz=TZ, now=now)}
        want = expected(filters, filters.period, now, data, group)
        before = expected(filters, filters.period.previous(), now, data, group)
        for key, figure in figures.items():
            assert figure["current"] == pytest.approx(want[key]), (case, key)
            assert figure["previous"] == pytest.approx(before[key]), (case, key, "previous")
        charts = queries.chart_data(filters, tz=TZ)
        received = want["_received"]
        assert {d["key"]: d["value"] for d in charts["by_tier"] if d["value"]} == Counter(
            r["tier"] for r in received
        )
        assert {d["key"]: d["value"] for d in charts["by_state"] if d["value"]} == Counter(
            r["state"] for r in received
        )
        topics = Counter(t for r in received for t in data[1][r["id"]])
        assert {int(d["key"]): d["value"] for d in charts["by_topic"]} == topics
        months = Counter(r["submitted_at"].astimezone(ZoneInfo(TZ)).strftime("%Y-%m") for r in received)
        assert {d["key"]: d["value"] for d in charts["over_time"] if d["value"]} == months
        hours = defaultdict(float)
        for a in want["_acts"]:
            hours[a["mode"]] += float(a["hours"])
        assert {d["key"]: d["value"] for d in charts["hours_by_mode"] if d["value"]} == pytest.approx(
            {k: round(v, 2) for k, v in hours.items() if v}
        )
        _check_tables(filters, want, data)
        _check_group(filters, want, charts)


def _check_group(filters, want, charts):
    """The group report, the reach split, the charts and the funder report's tables agree."""
    from tacenter.reports import group_tables
    from tacenter.reports.funder_content import STEPS

    counted = want["_counted_events"]
    assert {d["key"]: d["value"] for d in charts["events_by_type"] if d["value"]} == Counter(
        e["event_type"] for e in counted
    )
    assert {d["key"]: d["value"] for d in charts["events_by_tier"] if d["value"]} == Counter(
        e["tier"] for e in counted
    )
    by_type = group_tables.group_events(filters, rows="type")
    assert sum(row[1] for row in by_type.rows) == want["events"]
    assert sum(row[2] for row in by_type.rows) == want["event_participants"]
    assert sum(row[4] for row in by_type.rows) == pytest.approx(want["event_hours"])
    reach = dict(group_tables.reach_through(filters, tz=TZ).rows)
    assert reach["All organizations reached"] == want["orgs_reached"]
    assert reach["Events only"] == want["_events_only"]
    assert sum(d["value"] for d in charts["reached_by_state"]) == want["orgs_reached"]
    funder = [t for step, build in STEPS if step == "Counting group TA events" for t in build(filters, TZ)]
    assert [t.title for t in funder] == [
        by_type.title,
        "Group TA events by tier",
        "Organizations reached: requests and events",
    ]
    assert funder[0].rows == by_type.rows


def _check_tables(filters, want, data):
    received = want["_received"]
    cross = tables.volume(filters, tz=TZ, rows="tier", columns="state")
    states = cross.headers[1:-1]
    got = {(row[0].lower(), states[i]): n for row in cross.rows for i, n in enumerate(row[1:-1]) if n}
    from tacenter.vocab import STATES

    assert got == Counter((r["tier"], STATES[r["state"]]) for r in received)
    timely = tables.timeliness(filters, tz=TZ, rows="tier")
    for row in timely.rows:
        values = [
            r["days_to_first_response"]
            for r in received
            if r["tier"] == row[0].lower() and r["days_to_first_response"] is not None
        ]
        assert row[2] == (None if not values else round(pct(values, 0.5), 1))
        assert row[3] == (None if not values else round(pct(values, 0.9), 1))
        tier = [r for r in received if r["tier"] == row[0].lower()]
        answered = [r for r in tier if r["days_to_first_response"] is not None]
        assigned = [r for r in tier if r["days_to_assignment"] is not None]
        assert row[8] == share(sum(r["days_to_first_response"] <= r["_first_target"] for r in answered),
                               len(answered))  # fmt: skip
        assert row[9] == share(sum(r["days_to_assignment"] <= r["_assign_target"] for r in assigned),
                               len(assigned))  # fmt: skip
    by_staff = {row[0]: row[2] for row in tables.hours(filters, tz=TZ, rows="staff").rows}
    assert sum(by_staff.values()) == pytest.approx(want["hours"])
    reqs, topics, _, _, _ = data
    tier_of = {r["id"]: r["tier"] for r in reqs}
    by_tier = defaultdict(float)
    by_topic = defaultdict(float)
    for a in want["_acts"]:
        by_tier[tier_of[a["ta_request_id"]].capitalize()] += float(a["hours"])
        for t in topics[a["ta_request_id"]]:
            by_topic[t] += float(a["hours"])
    got_tier = {row[0]: row[2] for row in tables.hours(filters, tz=TZ, rows="tier").rows}
    assert got_tier == pytest.approx({k: round(v, 2) for k, v in by_tier.items()})
    got_topic = sorted(row[2] for row in tables.hours(filters, tz=TZ, rows="topic").rows)
    assert got_topic == pytest.approx(sorted(round(v, 2) for v in by_topic.values()))
    sv = want["_surveys"]
    got_sat = {
        row[0]: (row[1], row[2], row[4]) for row in outcomes.satisfaction(filters, tz=TZ, rows="tier").rows
    }
    want_sat = {}
    for tier in {tier_of[s["ta_request_id"]] for s in sv}:
        mine = [s for s in sv if tier_of[s["ta_request_id"]] == tier]
        want_sat[tier.capitalize()] = (
            len(mine),
            round(sum(s["usefulness"] for s in mine) / len(mine), 1),
            sum(s.get("goal_met") == "yes" for s in mine),
        )
    assert got_sat == want_sat
    declined = outcomes.declined_and_referred(filters, tz=TZ).rows
    assert len(declined) == want["_declined"]
    assert all(not str(c).startswith("'") for row in declined for c in row)  # escaping is the export's job


def test_dashboard_query_count_does_not_grow_with_the_data(db_session):
    made = group_ta_data.build(7, reports_data.build(7, count=20), count=5)
    filters = ReportFilters.from_args({}, today=made["today"])

    def count_queries():
        from tacenter.db import StatementCounter
        from tacenter.reports import registry

        with StatementCounter(db.engine) as counter:
            queries.headline(filters, tz=TZ, now=made["now"])
            queries.chart_data(filters, tz=TZ)
            for kind in registry.REPORTS:
                registry.build(registry.REPORTS[kind], filters, rows="", columns="", tz=TZ)
        return counter.count

    small = count_queries()
    group_ta_data.build(8, reports_data.build(8, count=200), count=60)
    assert count_queries() == small
