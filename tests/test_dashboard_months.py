"""The months chart stops at the current month: months to come are not drawn as zero."""

from __future__ import annotations

from freezegun import freeze_time

from tests.factories import UserFactory


def _months(client, auth, when: str) -> list[str]:
    with freeze_time(when):
        auth.login(UserFactory(role="leadership"))
        data = client.get("/reports/dashboard.json?period=fy2026").get_json()
        auth.logout()
    return [point["key"] for point in data["charts"]["over_time"]]


def test_the_months_chart_ends_at_the_current_month_mid_year(client, auth):
    months = _months(client, auth, "2026-03-15 15:00:00")
    assert months[0] == "2025-10" and months[-1] == "2026-03"


def test_a_finished_year_shows_all_twelve_months(client, auth):
    months = _months(client, auth, "2026-11-02 15:00:00")
    assert len(months) == 12 and months[-1] == "2026-09"


def test_the_months_table_has_no_future_months_either(client, auth):
    with freeze_time("2026-03-15 15:00:00"):
        auth.login(UserFactory(role="leadership"))
        page = client.get("/reports/?period=fy2026").get_data(as_text=True)
    assert "Mar 2026" in page and "Apr 2026" not in page
