"""Routing pages: access, wiring, and query counts that do not grow with the rows shown."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tacenter.db import StatementCounter
from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tacenter.routing.models import StaffAbsence, StaffProfile
from tests.factories import (
    RequesterFactory,
    TopicFactory,
    UserFactory,
    caseload_request,
    staff_profile,
    submit,
)

LEAD_ONLY = ["/triage", "/team", "/profiles"]


@pytest.mark.parametrize("role", ["requester", "staff", "leadership"])
def test_only_leads_and_admins_reach_triage_team_and_profiles(client, auth, role):
    user = RequesterFactory() if role == "requester" else UserFactory(role=role)
    auth.login(user)
    for path in LEAD_ONLY + ["/routing/settings", f"/profiles/{user.id}", f"/team/{user.id}"]:
        assert client.get(path).status_code == 403, path


def test_settings_are_for_admins_only(client, auth):
    auth.login(UserFactory(role="lead"))
    assert client.get("/routing/settings").status_code == 403
    for path in LEAD_ONLY:
        assert client.get(path).status_code == 200, path


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in LEAD_ONLY + ["/caseload", "/availability"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_see_only_their_own_caseload(client, auth):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    mine = caseload_request(
        ana, title="Ana's dyadic billing work", needed_by=date.today() + timedelta(days=3)
    )
    theirs = caseload_request(ben, title="Ben's canary request")
    auth.login(ana)
    html = client.get("/caseload").get_data(as_text=True)
    assert mine.reference in html and theirs.reference not in html and "Ben's canary" not in html
    assert "Due soon" in html and "needed by" in html
    assert client.get(f"/availability/{ben.id}").status_code == 404
    assert client.get("/caseload").status_code == 200
    assert RequesterFactory() and client.get("/availability").status_code == 302


def test_caseload_sorts_needing_action_due_soon_and_stalled(client, auth):
    from datetime import UTC, datetime

    ana = UserFactory(name="Ana")
    old = datetime.now(UTC) - timedelta(days=30)
    caseload_request(ana, stage="assigned", title="Not started yet")
    caseload_request(ana, stage="in_progress", title="Quiet for a month", now=old)
    caseload_request(ana, stage="waiting_on_requester", title="Paused clock", now=old)
    auth.login(ana)
    html = client.get("/caseload").get_data(as_text=True)
    action = html.split("<h2>Needing action</h2>")[1].split("<h2>")[0]
    stalled = html.split("<h2>Stalled</h2>")[1].split("<h2>")[0]
    assert "Not started yet" in action and "Quiet for a month" not in action
    assert "Quiet for a month" in stalled and "Paused clock" not in stalled


def test_lead_rebalances_from_the_team_view_with_a_note(client, auth):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, capacity=2)
    busy = [caseload_request(ana, tier="intensive") for _ in range(2)]
    auth.login(UserFactory(role="lead"))
    team = client.get("/team").get_data(as_text=True)
    assert "4 of 2" in team and "(full)" in team and busy[0].reference in team
    page = f"/team/{ana.id}"
    missing_note = auth.post(
        f"/requests/{busy[0].reference}/reassign",
        {"assignee_id": ben.id, "version": busy[0].version, "note": ""},
        form_page=page,
    )
    assert missing_note.status_code == 400 and "Add a note" in missing_note.get_data(as_text=True)
    response = auth.post(
        f"/requests/{busy[0].reference}/reassign",
        {"assignee_id": ben.id, "version": busy[0].version, "note": "Ana is over capacity"},
        form_page=page,
    )
    assert response.status_code == 302
    kinds = {(o.kind, o.to_address) for o in db.session.scalars(select(EmailOutbox))}
    assert ("reassigned", ana.email) in kinds and ("assigned", ben.email) in kinds


def test_lead_edits_a_profile_and_staff_add_time_away(client, auth):
    topic = TopicFactory(name="Financing")
    ana = UserFactory(name="Ana")
    lead = UserFactory(role="lead")
    auth.login(lead)
    page = f"/profiles/{ana.id}"
    assert client.get(page).status_code == 200
    assert db.session.get(StaffProfile, ana.id) is None  # looking writes nothing
    bad = auth.post(page, {"capacity": "lots"}, form_page=page)
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)
    response = auth.post(
        page,
        {"capacity": "5", "active": "y", "primary_topic_ids": [topic.id], "states": ["NM", "AZ"]},
        form_page=page,
    )
    assert response.status_code == 302
    profile = db.session.get(StaffProfile, ana.id)
    assert profile.capacity == 5 and profile.state_codes == ["AZ", "NM"]
    auth.logout()
    auth.login(ana)
    today = date.today()
    page = f"/availability/{ana.id}"
    response = auth.post(
        page,
        {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=2)).isoformat(), "note": "Leave"},
        form_page=page,
    )
    assert response.status_code == 302
    backwards = auth.post(page, {"starts_on": today.isoformat(), "ends_on": "2001-01-01"}, form_page=page)
    assert backwards.status_code == 400
    absence = db.session.scalar(select(StaffAbsence))
    assert absence.note == "Leave"
    assert auth.post(f"{page}/{absence.id}/delete", {}, form_page=page).status_code == 302
    assert db.session.scalar(select(StaffAbsence)) is None


def test_admin_changes_the_routing_mode(client, auth):
    auth.login(UserFactory(role="admin"))
    form = client.get("/routing/settings").get_data(as_text=True)
    assert "Suggest only" in form
    values = {
        "mode": "auto",
        "weight_primary": "40",
        "weight_secondary": "20",
        "weight_extra_topic": "5",
        "weight_state": "30",
        "weight_program": "15",
        "weight_load": "30",
        "penalty_away_today": "10",
        "tier_universal": "0.5",
        "tier_targeted": "1",
        "tier_intensive": "2",
        "require_topic": "y",
        "stalled_days": "10",
    }
    assert auth.post("/routing/settings", values, form_page="/routing/settings").status_code == 302
    from tacenter.routing.engine import current_settings

    assert current_settings().mode == "auto" and current_settings().require_state is False
    bad = auth.post("/routing/settings", {**values, "tier_intensive": "0"}, form_page="/routing/settings")
    assert bad.status_code == 400


def queries_for(client, path: str) -> int:
    db.session.expire_all()
    with StatementCounter(db.engine) as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def _staff_with_work(n, topic):
    people = []
    for _ in range(n):
        person = UserFactory()
        staff_profile(person, primary=[topic], states=["NM", "OH"], backup=people[-1] if people else None)
        caseload_request(person, tier="intensive")
        db.session.add(StaffAbsence(user_id=person.id, starts_on=date.today(), ends_on=date.today()))
        people.append(person)
    db.session.commit()
    return people


def test_triage_and_team_pages_issue_the_same_queries_for_10_or_100_rows(client, auth):
    topic = TopicFactory(name="Financing")
    lead = UserFactory(role="lead")
    requester = RequesterFactory()
    _staff_with_work(10, topic)
    for _ in range(10):
        submit(requester, topic=topic)
    auth.login(lead)
    small = {path: queries_for(client, path) for path in ("/triage", "/team", "/profiles")}
    _staff_with_work(90, topic)
    for _ in range(90):
        submit(requester, topic=TopicFactory())
    large = {path: queries_for(client, path) for path in ("/triage", "/team", "/profiles")}
    assert small == large, (small, large)


def test_caseload_pages_issue_the_same_queries_for_10_or_100_requests(client, auth):
    ana = UserFactory(name="Ana")
    lead = UserFactory(role="lead")
    for _ in range(10):
        caseload_request(ana)
    auth.login(lead)
    small = queries_for(client, f"/team/{ana.id}")
    for _ in range(90):
        caseload_request(ana)
    assert queries_for(client, f"/team/{ana.id}") == small
    auth.logout()
    auth.login(ana)
    assert queries_for(client, "/caseload") == queries_for(client, "/caseload")


def test_a_backup_sees_what_needs_action_on_the_caseload_of_a_colleague_away(client, auth):
    """Issue #12: backups did nothing. Ben backs up Ana; while she is away, what needs action
    on her caseload shows on his, covering for her; her quiet, on-track work does not."""
    from datetime import UTC, datetime

    ana, ben = UserFactory(name="Ana Away"), UserFactory(name="Ben Backup")
    staff_profile(ben)
    staff_profile(ana, backup=ben)
    not_started = caseload_request(ana, stage="assigned", title="Not started while away")
    caseload_request(ana, stage="in_progress", title="Moving along nicely", now=datetime.now(UTC))
    auth.login(ben)
    assert "Not started while away" not in client.get("/caseload").get_data(as_text=True)  # she is here
    db.session.add(
        StaffAbsence(user_id=ana.id, starts_on=date.today(), ends_on=date.today() + timedelta(days=5))
    )
    db.session.commit()
    html = client.get("/caseload").get_data(as_text=True)
    covering = html.split("<h2>Covering for colleagues away</h2>")[1].split("<h2>")[0]
    assert not_started.reference in covering and "covering for Ana Away" in covering
    assert "Moving along nicely" not in covering
