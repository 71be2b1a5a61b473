"""One definition of "on time": the admin's targets, per tier and urgency, decide it on the
request page, the dashboard and the timeliness report alike."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from tacenter.timeliness.services import set_target
from tacenter.workflow.assignment import assign_request
from tests.conftest import Auth
from tests.factories import RequesterFactory, UserFactory, submit

PERIOD = "period=custom&start=2026-03-01&end=2026-03-31"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _signed_in(app, user):
    client = app.test_client()
    Auth(client).login(user)
    return client


def _what_each_page_says(staff_client, client, reference):
    page = staff_client.get(f"/requests/{reference}").get_data(as_text=True)
    row = re.search(r"<td>First response</td>.*?</tr>", page, re.S).group(0)
    request_page = re.search(r'class="standing standing-(\w+)"', row).group(1)
    figures = client.get(f"/reports/dashboard.json?{PERIOD}").get_json()["figures"]
    dashboard = {f["key"]: f["current"] for f in figures}
    report = list(
        csv.reader(io.StringIO(client.get(f"/reports/timeliness?{PERIOD}&format=csv").get_data(as_text=True)))
    )
    header = next(r for r in report if "First response on time (%)" in r)
    targeted = next(r for r in report if r and r[0] == "Targeted")
    return (
        request_page,
        dashboard["first_on_time"],
        dashboard["late"],
        float(targeted[header.index("First response on time (%)")]),
    )


def test_changing_an_admin_target_changes_the_request_page_dashboard_and_report_alike(app, db_session):
    requester, lead = RequesterFactory(), UserFactory(role="lead")
    staff, leadership, admin = (
        UserFactory(role="staff"),
        UserFactory(role="leadership"),
        UserFactory(role="admin"),
    )
    ta_request = submit(requester, tier="targeted", urgency="routine")
    ta_request.submitted_at = at("2026-03-02 15:00")  # a Monday
    db_session.commit()
    # Assigned (the first response) three business days later: late against the default of two.
    assign_request(ta_request.reference, staff.id, actor=lead, now=at("2026-03-05 15:00"))
    lead_client, leadership_client = _signed_in(app, lead), _signed_in(app, leadership)
    assert _what_each_page_says(lead_client, leadership_client, ta_request.reference) == (
        "missed",
        0.0,
        1,
        0.0,
    )

    set_target("targeted", "routine", first_response_days=3, assignment_days=5, delivery_days=30, actor=admin)

    assert _what_each_page_says(lead_client, leadership_client, ta_request.reference) == (
        "met",
        100.0,
        0,
        100.0,
    )
