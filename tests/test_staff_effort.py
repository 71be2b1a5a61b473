"""Staff effort: TA hours each person delivered in a period, beside their load and capacity,
on the team page and in the caseload report, checked against a sum made here from the log."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.reports import registry
from tacenter.reports.filters import ReportFilters
from tacenter.reports.periods import fiscal_quarter
from tacenter.routing.models import DEFAULTS
from tests.factories import UserFactory, caseload_request, staff_profile

QUARTER = fiscal_quarter(2026, 1)  # Oct 1 to Dec 31, 2025
TEAM_ROW = re.compile(  # person, load, open, hours delivered
    r'<td><a href="/team/\d+">(?P<name>[^<]+)</a></td>\s*<td>.*?</td>\s*<td>\d+</td>\s*'
    r"<td>(?P<hours>[^<]*)</td>",
    re.S,
)


def _effort_world():
    """Two current staff members and one who left, their open requests and an activity log
    with entries inside the quarter, on its edges, after it, and one deleted."""
    ana, ben = UserFactory(role="staff", name="Ana Activity"), UserFactory(role="staff", name="Ben Busy")
    gail = UserFactory(role="staff", name="Gail Gone", active=False)
    staff_profile(ana, capacity=4)
    intensive = caseload_request(ana, tier="intensive")
    universal = caseload_request(ana, tier="universal")
    targeted = caseload_request(ben, tier="targeted")
    log = [  # (who, request, date, hours, deleted)
        (ana, intensive, date(2025, 10, 1), "1.5", False),
        (ana, universal, date(2025, 12, 31), "2.25", False),
        (ana, intensive, date(2026, 1, 1), "3", False),
        (ana, intensive, date(2025, 11, 1), "1", True),
        (ben, targeted, date(2025, 9, 30), "4", False),
        (ben, targeted, date(2025, 10, 15), "0.75", False),
        (gail, targeted, date(2025, 11, 15), "2", False),
    ]
    for who, ta_request, day, hours, deleted in log:
        db.session.add(
            TAActivity(
                ta_request_id=ta_request.id,
                activity_date=day,
                hours=Decimal(hours),
                mode="virtual_meeting",
                staff_id=who.id,
                deleted_at=datetime(2026, 1, 2, tzinfo=UTC) if deleted else None,
            )
        )
    db.session.commit()
    expected = defaultdict(float)
    for who, _, day, hours, deleted in log:
        if QUARTER.start <= day <= QUARTER.end and not deleted:
            expected[who.name] += float(hours)
    return ana, ben, gail, dict(expected)


def test_team_page_shows_each_persons_hours_delivered_in_the_chosen_period(client, auth):
    _, _, _, expected = _effort_world()
    auth.login(UserFactory(role="lead", name="Lee"))
    html = client.get(f"/team?period={QUARTER.key}").get_data(as_text=True)
    shown = {m["name"]: float(m["hours"]) for m in TEAM_ROW.finditer(html)}
    assert shown == {
        "Ana Activity": expected["Ana Activity"],
        "Ben Busy": expected["Ben Busy"],
        "Lee": 0,
    }
    assert "Load" in html and "2.5 of 4" in html  # the hours sit beside load and capacity
    assert client.get("/team?period=password_hash").status_code == 200


def test_caseload_report_gives_hours_delivered_beside_weighted_load_and_capacity(db_session):
    ana, ben, gail, expected = _effort_world()
    table = registry.build(
        registry.REPORTS["caseload"],
        ReportFilters(period=QUARTER),
        rows="",
        columns="",
        tz="America/New_York",
    )
    by_name = {row[0]: dict(zip(table.headers, row, strict=True)) for row in table.rows}
    assert {name: row["Hours delivered in period"] for name, row in by_name.items()} == expected
    weighted = DEFAULTS["tier_intensive"] + DEFAULTS["tier_universal"]
    assert by_name["Ana Activity"]["Weighted load now"] == weighted
    assert by_name["Ana Activity"]["Capacity"] == 4
    assert by_name["Ana Activity"]["Load (%)"] == round(100 * weighted / 4, 1)
    assert by_name["Ben Busy"]["Weighted load now"] == DEFAULTS["tier_targeted"]
