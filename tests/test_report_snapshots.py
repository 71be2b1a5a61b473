"""The worker's snapshots of the default dashboard and reports (tacenter/reports/snapshots.py):
served with the time they were computed, the same figures as computed on the spot, never past
their maximum age, and never for a filtered view."""

from __future__ import annotations

import re
from datetime import timedelta

from tacenter.db import utcnow
from tacenter.reports import kept_views, registry
from tests import reports_data
from tests.factories import RequesterFactory, UserFactory, submit


def _received(client, query: str = "") -> int:
    data = client.get(f"/reports/dashboard.json{query}").get_json()
    return next(f["current"] for f in data["figures"] if f["key"] == "received"), data


def _section(html: str, heading: str) -> str:
    start = html.index(f'<section aria-labelledby="{heading}"')
    return html[start : html.index("</section>", start)]


def _charts(html: str) -> str:
    return _section(html, "charts-heading")


def test_the_default_views_come_from_the_snapshot_until_it_is_recomputed(app, auth, client, db_session):
    made = reports_data.build(7, count=30, now=utcnow())
    requester = RequesterFactory(organization=made["orgs"][0])
    auth.login(UserFactory(role="leadership"))
    live, live_data = _received(client)
    live_page = client.get("/reports/").get_data(as_text=True)
    assert "kept by the worker" not in live_page

    computed = utcnow() - timedelta(seconds=90)
    took = kept_views.refresh(now=computed)
    assert set(took) == {"dashboard", *registry.REPORTS}  # every report, those added later too
    served, data = _received(client)
    assert served == live and data["as_of"] == computed.isoformat()
    assert data["figures"] == live_data["figures"] and data["charts"] == live_data["charts"]
    for _ in range(2):  # the charts are rendered once per snapshot, the same as computed now
        page = client.get("/reports/").get_data(as_text=True)
        assert "kept by the worker and recomputed every 2 minutes" in page
        assert _charts(page) == _charts(live_page) and 'data-chart="by_state"' in _charts(page)
        assert _section(page, "reach-heading") == _section(live_page, "reach-heading")
        assert _section(page, "outcomes-heading") == _section(live_page, "outcomes-heading")

    # A request arrives: the kept view shows it at the next recomputation; a filtered view now.
    submit(requester, made["topics"][0], tier="targeted")
    assert _received(client)[0] == live
    tier_live = _received(client, "?tier=targeted")[0]
    kept_views.refresh()
    assert _received(client)[0] == live + 1
    assert _received(client, "?tier=targeted")[0] == tier_live

    # Too old to serve: computed on the spot.
    kept_views.refresh(now=utcnow() - timedelta(seconds=app.config["REPORT_SNAPSHOT_MAX_AGE"] + 60))
    submit(requester, made["topics"][0])
    assert _received(client)[0] == live + 2


def test_a_report_from_the_snapshot_is_the_table_computed_now(auth, client, db_session):
    reports_data.build(8, count=30, now=utcnow())
    auth.login(UserFactory(role="leadership"))
    pages = {kind: client.get(f"/reports/{kind}").get_data(as_text=True) for kind in registry.REPORTS}
    kept_views.refresh()
    for kind, live in pages.items():
        kept = client.get(f"/reports/{kind}").get_data(as_text=True)
        assert "kept by the worker" in kept and "kept by the worker" not in live
        table = lambda html: html[html.index("<table") : html.index("</table>")]  # noqa: E731
        assert table(kept) == table(live)


def _objectives(client) -> str:
    html = client.get("/reports/").get_data(as_text=True)
    start = html.index('<li id="outcome-objectives">')
    return html[start : html.index("</li>", start)]


def test_the_dashboards_outcomes_section_is_kept_with_its_figures(auth, client, db_session):
    """The outcomes section (four queries) is part of the kept dashboard, not computed per view."""
    from tacenter.delivery.models import PlanGoal
    from tacenter.extensions import db
    from tacenter.outcomes.models import PlanObjective

    made = reports_data.build(3, count=10, now=utcnow())
    ta_request = submit(RequesterFactory(organization=made["orgs"][0]), made["topics"][0])
    auth.login(UserFactory(role="leadership"))
    kept_views.refresh(now=utcnow() - timedelta(seconds=30))
    before = _objectives(client)
    met, of = re.search(r"(\d+) of (\d+)", before).groups()
    goal = PlanGoal(ta_request_id=ta_request.id, description="A goal")
    db.session.add(goal)
    db.session.flush()
    db.session.add(PlanObjective(ta_request_id=ta_request.id, goal_id=goal.id, description="An objective"))
    db.session.commit()
    assert _objectives(client) == before  # served from the snapshot
    kept_views.refresh()
    assert f"{met} of {int(of) + 1} set" in _objectives(client)


def _table(html: str) -> str:
    start = html.index('<div class="table-scroll">')
    return html[start : html.index("</table>", start)]


def test_a_reports_table_is_written_once_per_snapshot_and_follows_the_next(app, auth, client, db_session):
    made = reports_data.build(5, count=20, now=utcnow())
    auth.login(UserFactory(role="leadership"))
    live = _table(client.get("/reports/volume").get_data(as_text=True))
    kept_views.refresh(now=utcnow() - timedelta(seconds=90))
    for _ in range(2):  # from the snapshot, written once: the same as computed on the spot
        page = client.get("/reports/volume").get_data(as_text=True)
        assert "kept by the worker" in page and _table(page) == live
    submit(RequesterFactory(organization=made["orgs"][0]), made["topics"][0], tier="targeted")
    assert _table(client.get("/reports/volume").get_data(as_text=True)) == live
    kept_views.refresh()
    assert _table(client.get("/reports/volume").get_data(as_text=True)) != live
