"""Each role's home page answers its first question; pages share one design and title rule."""

from __future__ import annotations

from datetime import UTC, datetime

from tacenter.home.queries import fiscal_year_label, fiscal_year_start, headline_figures
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, submit


def test_requester_home_shows_their_organizations_open_requests_and_the_request_button(client, auth):
    requester = RequesterFactory()
    colleague = RequesterFactory(organization=requester.organization)
    stranger = RequesterFactory()
    submit(colleague, title="Our colleague's request")
    submit(stranger, title="Another organization's request")
    auth.login(requester)
    html = client.get("/").get_data(as_text=True)
    assert "Our colleague&#39;s request" in html and "Another organization" not in html
    assert "Request TA" in html and f"{requester.organization.name}: open requests</h1>" in html


def test_requester_home_with_nothing_open_says_what_to_do(client, auth):
    auth.login(RequesterFactory())
    assert "choose “Request TA” above" in client.get("/").get_data(as_text=True)


def test_staff_home_is_their_caseload_and_lead_home_is_the_unassigned_queue(client, auth):
    requester, lead = RequesterFactory(), UserFactory(role="lead")
    staff = UserFactory(role="staff")
    mine = submit(requester, title="Assigned to the staff member")
    submit(requester, title="Waiting for a lead")
    assign_request(mine.reference, staff.id, actor=lead)
    auth.login(staff)
    html = client.get("/").get_data(as_text=True)
    assert "<h1>My caseload</h1>" in html
    assert "Assigned to the staff member" in html and "Waiting for a lead" not in html
    auth.logout()
    auth.login(lead)
    html = client.get("/").get_data(as_text=True)
    assert "<h1>Requests to assign</h1>" in html
    assert "Waiting for a lead" in html and "Assigned to the staff member" not in html


def test_staff_with_no_caseload_is_pointed_to_the_queue(client, auth):
    auth.login(UserFactory(role="staff"))
    assert "Nothing is assigned to you" in client.get("/").get_data(as_text=True)


def test_fiscal_year_runs_from_october_to_september():
    assert fiscal_year_start(datetime(2026, 11, 24, tzinfo=UTC)) == datetime(2026, 10, 1, tzinfo=UTC)
    assert fiscal_year_start(datetime(2026, 9, 30, tzinfo=UTC)) == datetime(2025, 10, 1, tzinfo=UTC)
    assert fiscal_year_label(datetime(2026, 11, 24, tzinfo=UTC)) == "FY2027"


def test_leadership_sees_headline_figures(client, auth):
    requester, lead, staff = RequesterFactory(), UserFactory(role="lead"), UserFactory(role="staff")
    leadership = UserFactory(role="leadership")
    closed = submit(requester)
    submit(requester)
    assign_request(closed.reference, staff.id, actor=lead)
    for target in ("in_progress", "delivered"):
        change_stage(closed.reference, target, actor=staff)
    close_request(closed.reference, goal_met="yes", outcome_summary="Plan adopted", actor=staff)
    figures = headline_figures(leadership)
    assert (figures.received, figures.open, figures.closed, figures.unassigned) == (2, 1, 1, 1)
    auth.login(leadership)
    html = client.get("/").get_data(as_text=True)
    assert f"Requests at a glance, {figures.fiscal_year}</h1>" in html


def test_admin_home_shows_users_and_settings(client, auth):
    auth.login(UserFactory(role="admin"))
    html = client.get("/").get_data(as_text=True)
    assert "Manage users" in html and "Topics" in html and "Manage organizations" in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_error_pages_share_the_design_and_a_title_matching_the_heading(client, auth):
    auth.login(RequesterFactory())
    for path, status, heading in [
        ("/no-such-page", 404, "Page not found"),
        ("/admin/users", 403, "You do not have access to this page"),
    ]:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == status
        assert f"<title>{heading} | IECMH TA Center</title>" in html and f"<h1>{heading}</h1>" in html
        assert "usa-header" in html and "Skip to main content" in html


def test_a_server_error_page_is_in_the_same_design(app):
    from tacenter.accounts.permissions import public
    from tests.conftest import make_app

    scratch = make_app()  # a route can only be added before an app's first request

    @public
    def explode():
        raise RuntimeError("boom")

    scratch.add_url_rule("/explode", "explode", explode)
    with scratch.app_context():
        response = scratch.test_client().get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in html and "usa-header" in html


def test_the_navigation_offers_each_role_its_own_pages(client, auth):
    import re

    def nav(html):
        header = html.split("<main", 1)[0]
        return re.findall(r'class="usa-nav-link[^"]*" href="[^"]*"[^>]*><span>([^<]+)</span>', header)

    # Leads and admins share the team's pages; admins add their own two.
    lead = ["Home", "Queue", "My caseload", "Events", "Dashboard", "Triage", "Team", "Profiles", "Invite"]
    lead += ["Mail to sort", "Vetting"]
    expected = {
        "requester": ["Home", "Our requests", "Request TA", "Events"],
        "staff": ["Home", "Queue", "My caseload", "Events"],
        "lead": lead,
        "leadership": ["Home", "Queue", "Events", "Dashboard"],
        "admin": [*lead, "Admin", "Sent mail (dev)"],
    }
    for role, items in expected.items():
        user = RequesterFactory() if role == "requester" else UserFactory(role=role)
        auth.login(user)
        html = client.get("/").get_data(as_text=True)
        assert nav(html) == items, role
        assert 'usa-current" href="/" aria-current="page"' in html
        auth.logout()
    assert nav(client.get("/login").get_data(as_text=True)) == ["Sign in", "Create an account"]
