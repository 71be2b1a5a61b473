"""Outcome figures against an independent calculation from the raw rows (randomized data)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from tacenter.extensions import db
from tacenter.outcomes import figures
from tacenter.outcomes.export import samhsa_table
from tacenter.outcomes.models import FollowUp, PlanObjective
from tacenter.reports.filters import ReportFilters
from tacenter.vocab import Tier
from tests import group_ta_data, reports_data
from tests.outcomes_data import seed_event_follow_ups
from tests.test_reports_figures import TZ, bounds, raw, raw_group, raw_surveys

CASES = [
    {},
    {"period": "fy2026q2"},
    {"period": "fy2025"},
    {"tier": "intensive"},
    {"program": "PROGRAM"},
    {"state": "NM"},
    {"topic": "TOPIC"},
    {"staff": "STAFF"},
]
RATED = {"quality", "relevance", "usefulness", "timeliness", "satisfaction"}


def _matching(filters, reqs, topics, org_type):
    return {
        r["id"]: r
        for r in reqs
        if (filters.program is None or r["program_id"] == filters.program)
        and (not filters.state or r["state"] == filters.state)
        and (not filters.org_type or org_type[r["organization_id"]] == filters.org_type)
        and (filters.topic is None or filters.topic in topics[r["id"]])
        and (not filters.tier or r["tier"] == filters.tier)
        and (filters.staff is None or r["assignee_id"] == filters.staff)
    }


def _event_matching(filters, group, users_org):
    """Follow-ups after events: the event matches tier, topic and staff (a facilitator), the
    contact's organization matches state, type and program (its grants)."""
    events, orgs, programs = group
    by_id = {e["id"]: e for e in events}

    def ok(event_id, person):
        if event_id is None:
            return False
        e, org = by_id[event_id], users_org[person]
        state, kind = orgs[org]
        return (
            (not filters.tier or e["tier"] == filters.tier)
            and (filters.topic is None or filters.topic in e["topics"])
            and (filters.staff is None or filters.staff in e["facilitators"])
            and (not filters.state or state == filters.state)
            and (not filters.org_type or kind == filters.org_type)
            and (filters.program is None or filters.program in programs[org])
        )

    return ok


@pytest.mark.parametrize("seed", [3, 4])
def test_outcome_figures_match_an_independent_calculation(db_session, seed):
    from random import Random

    from tacenter.accounts.models import User

    made = reports_data.build(seed)
    made = group_ta_data.build(seed, made)
    seed_event_follow_ups(Random(seed + 2), made)
    reqs, topics, org_type, _acts, _surveys = raw()
    group = raw_group()
    users_org = dict(db.session.execute(select(User.id, User.organization_id)).all())
    everything = raw_surveys("*")
    follow_ups = [dict(r._mapping) for r in db.session.execute(select(FollowUp.__table__))]
    objectives = [dict(r._mapping) for r in db.session.execute(select(PlanObjective.__table__))]
    tier_label = {t.value: t.label for t in Tier}
    checked = Counter()
    for case in CASES:
        stand_ins = {
            "PROGRAM": made["programs"][0].id,
            "TOPIC": made["topics"][0].id,
            "STAFF": made["staff"][1].id,
        }
        args = {k: str(stand_ins.get(v, v)) for k, v in case.items()}
        filters = ReportFilters.from_args(args, today=made["today"])
        lo, hi = bounds(filters.period)
        mine = _matching(filters, reqs, topics, org_type)
        event_ok = _event_matching(filters, group, users_org)
        inside = [s for s in everything if s["ta_request_id"] in mine and lo <= s["submitted_at"] < hi]

        # Item scores by tier: count and mean of each rated item, share answering yes.
        want = defaultdict(list)
        for s in (s for s in inside if s["purpose"] == "post_request"):
            for code in RATED | {"intent_to_use"}:
                if s.get(code) is not None:
                    want[(tier_label[mine[s["ta_request_id"]]["tier"]], code)].append(s[code])
        got = {(row[0], row[1]): row for row in figures.item_scores(filters, tz=TZ, rows="tier").rows}
        labels = {"intent_to_use": "Intent to use"} | {c: c.capitalize() for c in RATED}
        assert set(got) == {(tier, labels[code]) for tier, code in want}
        for (tier, code), values in want.items():
            row = got[(tier, labels[code])]
            assert row[2] == len(values)
            if code == "intent_to_use":
                assert row[4] == round(100 * sum(values) / len(values), 1)
            else:
                assert row[3] == round(sum(values) / len(values), 1)
            checked["items"] += 1

        # Response rates.
        closed = [r for r in mine.values() if r["stage"] == "closed" and lo <= r["finished_at"] < hi]
        answered = {s["ta_request_id"] for s in everything if s["purpose"] == "post_request"}
        rates = figures.response_rates(filters, tz=TZ).rows
        assert rates[0][1:3] == [len(closed), sum(r["id"] in answered for r in closed)]
        for days, after_events in ((30, False), (90, False), (30, True), (90, True)):
            sent = [
                f
                for f in follow_ups
                if f["window_days"] == days
                and lo <= f["sent_at"] < hi
                and (event_ok(f["event_id"], f["contact_id"]) if after_events else f["ta_request_id"] in mine)
            ]
            label = f"{days}-day follow-up" + (" after events" if after_events else "")
            row = next((r for r in rates if r[0] == label), None)
            if not sent:
                assert row is None
                continue
            assert row is not None, label
            assert row[1:5] == [
                len(sent),
                sum(f["answered_at"] is not None for f in sent),
                sum(f["reminded_at"] is not None for f in sent),
                0,
            ]
            checked["event_rates" if after_events else "rates"] += 1

        # Follow-up outcomes by change type: answers after requests and after events.
        answers = [
            s
            for s in everything
            if s["purpose"].startswith("follow_up_")
            and lo <= s["submitted_at"] < hi
            and (s["ta_request_id"] in mine or event_ok(s["event_id"], s["respondent_id"]))
        ]
        after_events = [s for s in answers if s["event_id"] is not None]
        changes = Counter(c for s in answers for c in set(s.get("what_changed", [])))
        table = figures.follow_up_changes(filters, tz=TZ).rows
        assert table[-1][1] == len(answers)
        assert [row[1] for row in table[:-1]] == [
            changes.get(c, 0)
            for c in ("practice", "policy", "program", "financing", "workforce", "nothing_yet")
        ]
        checked["changes"] += sum(changes.values())
        checked["event_changes"] += len(after_events)

        # Objectives by tier: set by the period's end, by status now.
        want_obj = defaultdict(Counter)
        for o in objectives:
            if o["ta_request_id"] in mine and o["created_at"] < hi:
                want_obj[tier_label[mine[o["ta_request_id"]]["tier"]]][o["status"]] += 1
        got_obj = {row[0]: row for row in figures.objectives(filters, tz=TZ, rows="tier").rows}
        assert set(got_obj) == set(want_obj)
        for tier, counts in want_obj.items():
            assert got_obj[tier][1:7] == [
                sum(counts.values()),
                counts["not_started"],
                counts["in_progress"],
                counts["met"],
                counts["not_met"],
                counts["dropped"],
            ]
            checked["objectives"] += sum(counts.values())

        # The SAMHSA follow-up file: one line per answer of the period, codes as documented.
        samhsa = samhsa_table("follow_up", filters, tz=TZ)
        assert len(samhsa.rows) == len(answers)
        col = samhsa.headers.index("ChangePolicy")
        assert sum(row[col] for row in samhsa.rows) == changes.get("policy", 0)
        event_col = samhsa.headers.index("EventID")
        assert sorted(row[event_col] for row in samhsa.rows if row[event_col] != -9) == sorted(
            s["event_id"] for s in after_events
        )
    kinds = ("items", "rates", "changes", "objectives", "event_rates", "event_changes")
    assert all(checked[k] > 0 for k in kinds), checked


EVENT_CASES = [{}, {"period": "fy2026q2"}, {"period": "fy2025"}, {"tier": "targeted"}]


@pytest.mark.parametrize("seed", [5, 6])
def test_post_event_figures_match_an_independent_calculation(db_session, seed):
    from datetime import date
    from random import Random

    from tacenter.group_ta.vocab import EventType
    from tacenter.outcomes import event_figures
    from tests.outcomes_data import seed_event_answers

    today = date(2026, 6, 15)
    events = seed_event_answers(Random(seed), today)
    type_label, tier_label = {t.value: t.label for t in EventType}, {t.value: t.label for t in Tier}
    checked = Counter()
    for case in EVENT_CASES:
        filters = ReportFilters.from_args(case, today=today)
        lo, hi = bounds(filters.period)
        mine = [e for e in events if not filters.tier or e["tier"] == filters.tier]

        # Item scores by event type and tier: answers given in the period, whatever the event's status.
        want = defaultdict(list)
        for e in mine:
            for at, values in e["answers"]:
                if lo <= at < hi:
                    for code, value in values.items():
                        want[(type_label[e["type"]], tier_label[e["tier"]], code)].append(value)
        got = {(r[0], r[1], r[2]): r for r in event_figures.event_item_scores(filters, tz=TZ).rows}
        labels = {"intent_to_use": "Intent to use"} | {c: c.capitalize() for c in RATED}
        assert set(got) == {(t, tier, labels[code]) for t, tier, code in want}
        for (t, tier, code), values in want.items():
            row = got[(t, tier, labels[code])]
            assert row[3] == len(values)
            if code == "intent_to_use":
                assert row[5] == round(100.0 * sum(values) / len(values), 1)
            else:
                assert row[4] == round(sum(values) / len(values), 1)
            checked["answers"] += len(values)

        # Response rates: events delivered in the period, answers ÷ participants recorded.
        rates = defaultdict(lambda: [0, 0, 0])
        for e in mine:
            if e["status"] == "delivered" and filters.period.start <= e["date"] <= filters.period.end:
                cell = rates[(type_label[e["type"]], tier_label[e["tier"]])]
                cell[0] += 1
                cell[1] += e["participants"]
                cell[2] += len(e["answers"])
        got_rates = {(r[0], r[1]): r[2:] for r in event_figures.event_response_rates(filters, tz=TZ).rows}
        assert got_rates == {
            k: [n, p, a, round(100.0 * a / p, 1) if p else None] for k, (n, p, a) in rates.items()
        }
        checked["events"] += sum(n for n, _p, _a in rates.values())

        # The SAMHSA files: one line per delivered event of the period, one per answer.
        described = samhsa_table("event_description", filters, tz=TZ)
        assert len(described.rows) == sum(n for n, _p, _a in rates.values())
        col = described.headers.index("Participants")
        assert sum(r[col] for r in described.rows) == sum(p for _n, p, _a in rates.values())
        answered = samhsa_table("post_event", filters, tz=TZ)
        assert len(answered.rows) == sum(1 for e in mine for at, _v in e["answers"] if lo <= at < hi)
        col = answered.headers.index("Quality")
        assert sum(r[col] for r in answered.rows if r[col] != -9) == sum(
            v.get("quality", 0) for e in mine for at, v in e["answers"] if lo <= at < hi
        )
    assert checked["answers"] > 0 and checked["events"] > 0, checked
