"""Group TA: events counted once for each organization, attendance, collaboratives and their
members, and the bad input and concurrent edits each gets a clear message for."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from tacenter.errors import Conflict, DomainError
from tacenter.extensions import db
from tacenter.group_ta import collaboratives, services
from tacenter.group_ta import queries as queries_of_group
from tacenter.group_ta.models import Event
from tacenter.intake.models import TARequest
from tacenter.registry.models import Grant
from tacenter.registry.queries import reach
from tacenter.reports import queries, registry
from tacenter.reports.filters import ReportFilters
from tacenter.reports.funder_content import STEPS
from tests.factories import OrganizationFactory, ProgramFactory, RequesterFactory, TopicFactory, UserFactory

TZ = "America/New_York"
NOW = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)
STATES = ("NM", "OH", "AZ", "PR", "VT", "GU", "MT", "ME")


def values(staff, **overrides):
    base = {
        "title": "DC:0-5 webinar",
        "event_type": "training",
        "tier": "universal",
        "event_date": date(2026, 3, 10),
        "duration_hours": "2",
        "facilitator_ids": [s.id for s in staff],
    }
    return services.EventValues(**(base | overrides))


@pytest.fixture
def people(db_session):
    lead = UserFactory(role="lead")
    staff = [UserFactory(role="staff", name=f"Facilitator {i}") for i in range(2)]
    orgs = [OrganizationFactory(name=f"{s} agency", state=s) for s in STATES]
    return {"lead": lead, "staff": staff, "orgs": orgs, "topic": TopicFactory(name="Financing")}


def delivered_webinar(people, orgs, **overrides):
    event = services.create_event(values(people["staff"], **overrides), actor=people["lead"], now=NOW)
    for i, org in enumerate(orgs):
        services.record_attendance(event.id, org.id, 10 + i, "directors", version=None, actor=people["lead"])
    services.mark_delivered(event.id, version=None, actor=people["lead"], today=TODAY, now=NOW)
    return db.session.get(Event, event.id)


def test_five_organizations_count_five_reached_and_the_hours_once_everywhere(people, client, auth):
    five = people["orgs"][:5]
    program = ProgramFactory()
    for i, org in enumerate(five):
        db.session.add(Grant(grant_number=f"G-{i}", organization_id=org.id, program_id=program.id,
                             project_start=date(2025, 10, 1), project_end=date(2027, 9, 30)))  # fmt: skip
    db.session.commit()
    delivered_webinar(people, five, non_grantee_count=7)
    filters = ReportFilters.from_args({"period": "fy2026q2"}, today=TODAY)
    figures = {f["key"]: f["current"] for f in queries.headline(filters, tz=TZ, now=NOW)}
    # Two facilitators of a 2-hour webinar: 4 hours, whatever the five organizations.
    assert (figures["events"], figures["orgs_events"], figures["orgs_reached"]) == (1, 5, 5)
    assert figures["event_hours"] == 4.0
    assert figures["event_participants"] == 10 + 11 + 12 + 13 + 14 + 7
    assert figures["orgs_requests"] == 0
    group = registry.build(registry.REPORTS["group"], filters, rows="type", columns="", tz=TZ)
    assert group.rows == [["Training", 1, 67, 5, 4.0]]
    split = dict(registry.build(registry.REPORTS["reach"], filters, rows="", columns="", tz=TZ).rows)
    assert split["All organizations reached"] == 5 and split["Events only"] == 5
    funder = [t for step, build in STEPS if step == "Counting group TA events" for t in build(filters, TZ)]
    assert funder[0].rows == group.rows and dict(funder[2].rows)["Group TA events"] == 5
    # The roster comparison: reached only through the event, and still reached.
    [row] = reach(date(2026, 1, 1), date(2026, 3, 31), tz=TZ)
    assert (row.roster, row.received, row.none) == (5, 5, 0)
    charts = queries.chart_data(filters, tz=TZ)
    assert {d["key"] for d in charts["reached_by_state"] if d["value"]} == set(STATES[:5])
    # The exports: CSV and Excel say the same.
    auth.login(UserFactory(role="leadership"))
    text = client.get("/reports/group?period=fy2026q2&format=csv").get_data(as_text=True)
    assert ["Training", "1", "67", "5", "4.0"] in list(csv.reader(io.StringIO(text)))
    book = load_workbook(io.BytesIO(client.get("/reports/reach?period=fy2026q2&format=xlsx").data))
    cells = [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
    assert ["All organizations reached", 5] in cells
    page = client.get("/reports/?period=fy2026q2").get_data(as_text=True)
    assert 'id="figure-orgs_reached"' in page


def test_planned_and_future_events_do_not_count_and_cannot_be_marked_delivered(people):
    future = services.create_event(values(people["staff"], event_date=date(2026, 4, 2)), actor=people["lead"])
    with pytest.raises(DomainError, match="future cannot be marked delivered"):
        services.mark_delivered(future.id, version=None, actor=people["lead"], today=TODAY)
    filters = ReportFilters.from_args({"period": "fy2026q2"}, today=TODAY)
    assert {f["key"]: f["current"] for f in queries.headline(filters, tz=TZ, now=NOW)}["events"] == 0


@pytest.mark.parametrize("count", [-3, 0, 5001, "12abc"])
def test_absurd_participant_counts_are_refused_with_a_message(people, count):
    event = services.create_event(values(people["staff"]), actor=people["lead"])
    with pytest.raises(DomainError, match="Participants must be"):
        services.record_attendance(event.id, people["orgs"][0].id, count, version=None, actor=people["lead"])


def test_attendance_twice_for_one_organization_is_refused(people):
    event = services.create_event(values(people["staff"]), actor=people["lead"])
    org = people["orgs"][0]
    services.record_attendance(event.id, org.id, 3, version=None, actor=people["lead"])
    with pytest.raises(DomainError, match="already recorded"):
        services.record_attendance(event.id, org.id, 4, version=None, actor=people["lead"])


def test_a_facilitator_who_is_not_staff_is_refused(people):
    outsider = RequesterFactory(name="Rosa Requester")
    with pytest.raises(DomainError, match="Rosa Requester is not on the center's staff"):
        services.create_event(values([*people["staff"], outsider]), actor=people["lead"])


def test_intensive_is_for_sessions_and_one_offs_are_universal_or_targeted(people):
    with pytest.raises(DomainError, match="one-off event is universal or targeted"):
        services.create_event(values(people["staff"], tier="intensive"), actor=people["lead"])


def test_two_leads_saving_attendance_from_the_same_page_the_second_gets_a_conflict(people):
    event = services.create_event(values(people["staff"]), actor=people["lead"])
    seen = event.version
    services.record_attendance(event.id, people["orgs"][0].id, 3, version=seen, actor=people["lead"])
    with pytest.raises(Conflict, match="changed this event's attendance"):
        services.record_attendance(
            event.id, people["orgs"][1].id, 4, version=seen, actor=UserFactory(role="lead")
        )
    db.session.rollback()
    assert [a.organization_id for a in queries_of_group.attendance_of(event.id)] == [people["orgs"][0].id]


def test_a_collaborative_of_eight_states_with_six_sessions_shows_attendance_per_member(people, client, auth):
    lead, facilitator = people["lead"], people["staff"][0]
    for org in people["orgs"]:
        RequesterFactory(organization=org)
    cohort = collaboratives.create_collaborative(
        collaboratives.CollaborativeValues("Financing policy cohort", facilitator.id, date(2025, 10, 1),
                                           date(2026, 9, 30), people["topic"].id),
        actor=lead,
    )  # fmt: skip
    for org in people["orgs"]:
        member = collaboratives.add_member(
            cohort.id, org.id, actor=lead, joined_on=date(2025, 10, 1), now=NOW
        )
        ta_request = db.session.get(TARequest, member.ta_request_id)
        assert (ta_request.organization_id, ta_request.tier, ta_request.assignee_id) == (
            org.id, "intensive", facilitator.id)  # fmt: skip
    for month in range(10, 16):
        day = date(2025 + month // 13, (month - 1) % 12 + 1, 15)
        session = services.create_event(
            values([facilitator], tier="intensive", collaborative_id=cohort.id, event_date=day,
                   title=f"Session {month}", event_type="ta"), actor=lead)  # fmt: skip
        for org in people["orgs"][: 2 + month - 10]:
            services.record_attendance(session.id, org.id, 2, version=None, actor=lead)
    auth.login(lead)
    html = client.get(f"/collaboratives/{cohort.id}").get_data(as_text=True)
    assert html.count("6 of 6") == 2 and "1 of 6" in html and "0 of 6" in html
    # A member with attendance is marked as left, not deleted.
    response = auth.post(f"/collaboratives/{cohort.id}/members/{people['orgs'][0].id}/remove", {},
                         form_page=f"/collaboratives/{cohort.id}")  # fmt: skip
    assert response.status_code == 409
    assert "cannot be removed. Mark it as left instead." in response.get_data(as_text=True)
    collaboratives.mark_member_left(cohort.id, people["orgs"][0].id, actor=lead, left_on=TODAY)
    collaboratives.remove_member(cohort.id, people["orgs"][7].id, actor=lead)
    assert "(left)" in client.get(f"/collaboratives/{cohort.id}").get_data(as_text=True)


def test_requesters_see_their_organizations_events_with_materials_in_spanish(people, client, auth):
    ours, theirs = people["orgs"][0], people["orgs"][1]
    mine = delivered_webinar(people, [ours], title="Our webinar")
    other = delivered_webinar(people, [theirs], title="Their webinar")
    from tacenter.group_ta.materials import add_material

    add_material(mine.id, "Slides", "https://example.org/slides.pdf", actor=people["lead"])
    requester = RequesterFactory(organization=ours, language="es") if hasattr(
        RequesterFactory._meta.model, "language") else RequesterFactory(organization=ours)  # fmt: skip
    auth.login(requester)
    listing = client.get("/events", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Our webinar" in listing and "Their webinar" not in listing
    page = client.get(f"/events/{mine.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "https://example.org/slides.pdf" in page
    assert client.get(f"/events/{other.id}").status_code == 404
    assert client.get(f"/events/{other.id}/calendar.ics").status_code == 404


def test_the_calendar_file_is_an_icalendar_event(people, client, auth):
    event = services.create_event(
        values(people["staff"], start_time=time(14, 0), duration_hours=Decimal("1.5")), actor=people["lead"]
    )
    auth.login(people["staff"][0])
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.mimetype == "text/calendar" and "attachment" in response.headers["Content-Disposition"]
    [entry] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(entry["summary"]) == "DC:0-5 webinar"
    assert (entry.decoded("dtend") - entry.decoded("dtstart")).total_seconds() == 5400


def test_bad_input_on_the_pages_gets_a_form_message_never_a_500(people, client, auth):
    event = services.create_event(values(people["staff"]), actor=people["lead"])
    auth.login(people["lead"])
    page = f"/events/{event.id}"
    org = people["orgs"][0].id
    for data, message in (
        ({"organization_id": org, "participant_count": "-4"}, "from 1 to 5,000"),
        ({"organization_id": org, "participant_count": "999999"}, "from 1 to 5,000"),
        ({"organization_id": "x", "participant_count": "4"}, "Organization: Invalid Choice"),
    ):
        response = auth.post(f"{page}/attendance", data, form_page=page)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    auth.post(f"{page}/attendance", {"organization_id": org, "participant_count": "4"}, form_page=page)
    again = auth.post(
        f"{page}/attendance", {"organization_id": org, "participant_count": "5"}, form_page=page
    )
    assert again.status_code == 400 and "already recorded" in again.get_data(as_text=True)
    late = {"organization_id": people["orgs"][1].id, "participant_count": "5", "version": "1"}
    stale = auth.post(f"{page}/attendance", late, form_page=page)
    assert stale.status_code == 409 and "Your change was not saved" in stale.get_data(as_text=True)
    future = services.create_event(values(people["staff"], event_date=date(2099, 1, 1)), actor=people["lead"])
    response = auth.post(
        f"/events/{future.id}/status", {"status": "delivered"}, form_page=f"/events/{future.id}"
    )
    assert response.status_code == 400 and "future cannot be marked delivered" in response.get_data(
        as_text=True
    )
    form = {"title": "T", "event_type": "meeting", "tier": "targeted", "event_date": "2026-03-01",
            "duration_hours": "1", "language": "en", "mode": "virtual",
            "facilitator_ids": [RequesterFactory(name="Not Staff").id]}  # fmt: skip
    response = auth.post("/events/new", form)
    assert response.status_code == 400 and "Not Staff is not on the center&#39;s staff" in response.get_data(
        as_text=True)  # fmt: skip


def test_my_upcoming_events_are_on_the_caseload(people, client, auth):
    later = values(people["staff"][:1], title="Home visiting training", event_date=date(2099, 5, 1))
    services.create_event(later, actor=people["lead"])
    auth.login(people["staff"][0])
    html = client.get("/caseload").get_data(as_text=True)
    assert "My upcoming events" in html and "Home visiting training" in html


def test_the_events_list_names_each_events_facilitators_alphabetically_and_its_cohort(people, client, auth):
    zoe, ana = UserFactory(role="staff", name="Zoe Ortiz"), UserFactory(role="staff", name="Ana Bell")
    cohort = collaboratives.create_collaborative(
        collaboratives.CollaborativeValues("Financing policy cohort", zoe.id, date(2025, 10, 1),
                                           date(2026, 9, 30), people["topic"].id),
        actor=people["lead"],
    )  # fmt: skip
    session = values([zoe, ana], title="Cohort session 1", collaborative_id=cohort.id, tier="intensive")
    services.create_event(session, actor=people["lead"])
    auth.login(people["lead"])
    html = client.get("/events").get_data(as_text=True)
    row = html[html.index("Cohort session 1") :].split("</tr>")[0]
    assert "Financing policy cohort" in row and "<td>Ana Bell, Zoe Ortiz</td>" in row
