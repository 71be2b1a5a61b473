"""The staff queue: its columns, saved views and downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from tacenter.extensions import db
from tacenter.workflow.models import SavedView
from tests.factories import OrganizationFactory, RequesterFactory, UserFactory, caseload_request

ROW_REFERENCE = re.compile(r'<td><a href="[^"]*/requests/([^"]+)">')


def _center_today(app):
    return datetime.now(ZoneInfo(app.config["CENTER_TIMEZONE"])).date()


def _references(html: str) -> list[str]:
    return ROW_REFERENCE.findall(html)


def _link_to(html: str, label: str) -> str:
    match = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(label) + "</a>", html)
    assert match, f"no link {label!r}"
    return match.group(1).replace("&amp;", "&")


def test_queue_shows_each_requests_organization_tier_and_needed_by(client, auth):
    requester = RequesterFactory(organization=OrganizationFactory(name="Navajo Nation Head Start"))
    caseload_request(
        None, tier="intensive", stage="submitted", requester=requester, needed_by=datetime(2027, 3, 9).date()
    )
    auth.login(UserFactory(role="staff"))
    html = client.get("/queue").get_data(as_text=True)
    row = html[html.index("<tbody>") :]
    assert '<th scope="col">Organization</th>' in html and '<th scope="col">Needed by</th>' in html
    assert "Navajo Nation Head Start" in row and "Intensive" in row and "Mar 9, 2027" in row


def test_rows_escape_what_people_typed_and_speak_the_readers_language(client, auth):
    """The rows are written in Python (intake/row_markup.py), not by Jinja's autoescape."""
    org = OrganizationFactory(name='Tribal Council <img src=x onerror="alert(1)">')
    requester = RequesterFactory(organization=org, locale="es")
    caseload_request(None, stage="submitted", requester=requester, title="<script>alert('t')</script> & plan")
    auth.login(UserFactory(role="staff", name="<b>Sam</b>"))
    row = client.get("/queue").get_data(as_text=True).split("<tbody>")[1]
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; plan" in row and "<script>" not in row
    assert "Tribal Council &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in row and "<img" not in row
    assert "<td>Unassigned</td>" in row and 'tag-submitted">Submitted</span>' in row
    auth.logout()
    auth.login(requester)
    mine = client.get("/requests").get_data(as_text=True).split("<tbody>")[1]
    assert "&lt;script&gt;" in mine and "<td>Sin asignar</td>" in mine and ">Enviada</span>" in mine


def test_a_saved_view_keeps_the_filters_and_applying_it_filters_the_queue(client, auth):
    staff = UserFactory(role="staff")
    ohio = caseload_request(None, stage="submitted", state="OH", urgency="urgent", title="Ohio urgent")
    caseload_request(None, stage="submitted", state="OH", title="Ohio routine")
    caseload_request(None, stage="submitted", state="NM", urgency="urgent", title="New Mexico urgent")
    auth.login(staff)
    response = auth.post("/queue/views?state=OH&urgency=urgent", {"name": "Ohio, urgent"}, form_page="/queue")
    assert response.status_code == 302
    assert dict(parse_qsl(urlsplit(response.headers["Location"]).query)) == {
        "state": "OH",
        "urgency": "urgent",
    }
    page = client.get("/queue").get_data(as_text=True)
    assert _references(client.get(_link_to(page, "Ohio, urgent")).get_data(as_text=True)) == [ohio.reference]


def test_saving_a_view_under_its_name_again_replaces_its_filters(client, auth):
    staff = UserFactory(role="staff")
    auth.login(staff)
    auth.post("/queue/views?state=OH", {"name": "Mine"}, form_page="/queue")
    auth.post("/queue/views?state=VT", {"name": "Mine"}, form_page="/queue")
    assert [(v.name, v.filters) for v in db.session.scalars(select(SavedView))] == [("Mine", {"state": "VT"})]


def test_saving_a_view_without_a_name_is_a_form_error_not_a_row(client, auth):
    auth.login(UserFactory(role="staff"))
    response = auth.post("/queue/views?state=OH", {"name": "   "}, form_page="/queue")
    assert response.status_code == 400 and "Give the view a name." in response.get_data(as_text=True)
    assert db.session.scalars(select(SavedView)).all() == []


def test_saving_a_view_without_the_csrf_token_is_refused(client, auth):
    auth.login(UserFactory(role="staff"))
    assert client.post("/queue/views?state=OH", data={"name": "Forged"}).status_code == 400
    assert db.session.scalars(select(SavedView)).all() == []


def test_another_persons_saved_view_is_not_listed_and_cannot_be_deleted(client, auth):
    owner, other = UserFactory(role="staff"), UserFactory(role="lead")
    db.session.add(SavedView(owner_id=owner.id, name="Owner's private view", filters={"state": "OH"}))
    db.session.commit()
    view_id = db.session.scalar(select(SavedView.id))
    auth.login(other)
    assert "Owner&#39;s private view" not in client.get("/queue").get_data(as_text=True)
    assert auth.post(f"/queue/views/{view_id}/delete", {}, form_page="/queue").status_code == 404
    assert auth.post("/queue/views/987654/delete", {}, form_page="/queue").status_code == 404
    assert db.session.get(SavedView, view_id) is not None
    auth.logout()
    auth.login(owner)
    assert auth.post(f"/queue/views/{view_id}/delete", {}, form_page="/queue").status_code == 302
    db.session.expire_all()
    assert db.session.get(SavedView, view_id) is None


def test_stored_junk_in_a_saved_view_never_reaches_the_query(client, auth):
    staff = UserFactory(role="staff")
    closed = caseload_request(None, stage="closed", title="Closed one")
    junk = {
        "password_hash": "x",
        "sort": "password_hash",
        "assignee": "1 OR 1=1",
        "state": ["NM"],
        "stage": "closed",
        "__class__": "y",
    }
    db.session.add(SavedView(owner_id=staff.id, name="Junk", filters=junk))
    db.session.commit()
    auth.login(staff)
    page = client.get("/queue")
    assert page.status_code == 200
    link = _link_to(page.get_data(as_text=True), "Junk")
    assert dict(parse_qsl(urlsplit(link).query)) == {"stage": "closed"}
    assert _references(client.get(link).get_data(as_text=True)) == [closed.reference]


def test_posted_junk_filters_are_not_stored_with_a_view(client, auth):
    auth.login(UserFactory(role="staff"))
    auth.post(
        "/queue/views?state=OH&password_hash=x&sort=id;drop&page=3", {"name": "Ohio"}, form_page="/queue"
    )
    assert db.session.scalar(select(SavedView.filters)) == {"state": "OH"}


def test_shared_views_are_offered_to_every_staff_side_role_and_filter_as_named(app, client, auth):
    today = _center_today(app)
    urgent = caseload_request(None, stage="submitted", urgency="urgent", title="Urgent, nobody on it")
    caseload_request(UserFactory(role="staff"), urgency="urgent", title="Urgent, taken")
    due = caseload_request(None, stage="submitted", needed_by=today + timedelta(days=6), title="Due soon")
    caseload_request(None, stage="submitted", needed_by=today + timedelta(days=7), title="Due later")
    caseload_request(None, stage="submitted", needed_by=today - timedelta(days=1), title="Overdue")
    for role in ("staff", "lead", "leadership", "admin"):
        auth.login(UserFactory(role=role))
        html = client.get("/queue").get_data(as_text=True)
        for name in ("Unassigned urgent", "Waiting on requester", "Due this week"):
            assert name in html, (role, name)
        auth.logout()
    auth.login(UserFactory(role="lead"))
    html = client.get("/queue").get_data(as_text=True)
    assert _references(client.get(_link_to(html, "Unassigned urgent")).get_data(as_text=True)) == [
        urgent.reference
    ]
    assert _references(client.get(_link_to(html, "Due this week")).get_data(as_text=True)) == [due.reference]


def _all_page_references(client, query: str) -> list[str]:
    found, number = [], 1
    while True:
        refs = _references(client.get(f"/queue?{query}&page={number}").get_data(as_text=True))
        if not refs:
            return found
        found += refs
        number += 1


def test_the_download_holds_the_pages_rows_for_the_same_filters_across_all_pages(
    app, client, auth, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    staff = UserFactory(role="staff")
    for n in range(11):
        caseload_request(staff if n % 3 else None, stage="submitted", state="NM", title=f"New Mexico {n}")
    caseload_request(None, stage="submitted", state="OH", title="Ohio")
    auth.login(staff)
    query = "state=NM&sort=newest"
    on_pages = _all_page_references(client, query)
    assert len(on_pages) == 11 and len(set(on_pages)) == 11
    response = client.get(f"/queue/requests.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    csv_rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert csv_rows[0][:3] == ["Reference", "Title", "Stage"]
    assert [r[0] for r in csv_rows[1:]] == on_pages
    sheet = load_workbook(io.BytesIO(client.get(f"/queue/requests.xlsx?{query}").data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == on_pages


def test_a_requester_cannot_download_the_staff_queue(client, auth):
    requester = RequesterFactory()
    caseload_request(None, stage="submitted", requester=requester)
    auth.login(requester)
    for path in ("/queue/requests.csv", "/queue/requests.xlsx"):
        response = client.get(path)
        assert response.status_code == 403 and b"TA-" not in response.data


def test_downloaded_cells_cannot_run_as_formulas(client, auth):
    caseload_request(None, stage="submitted", title='=HYPERLINK("http://evil.example","Click")')
    caseload_request(None, stage="submitted", title="@SUM(1+1)")
    auth.login(UserFactory(role="staff"))
    response = client.get("/queue/requests.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    titles = [r[1] for r in csv.reader(io.StringIO(response.get_data(as_text=True)))][1:]
    assert titles == ['\'=HYPERLINK("http://evil.example","Click")', "'@SUM(1+1)"]
    sheet = load_workbook(io.BytesIO(client.get("/queue/requests.xlsx").data)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value[0] for c in cells] == ["'", "'"] and {c.data_type for c in cells} == {"s"}


def test_assigned_to_me_lists_each_readers_own_requests(client, auth):
    """The queue's statement is kept per reader and filters (workflow.queries.kept_queue_page):
    the same link must never show one person's caseload to another."""
    ana, ben = UserFactory(role="staff"), UserFactory(role="staff")
    anas, bens = caseload_request(ana, title="Ana's work"), caseload_request(ben, title="Ben's work")
    for reader, own in ((ana, anas), (ben, bens), (ana, anas)):
        auth.login(reader)
        assert _references(client.get("/queue?assignee=me").get_data(as_text=True)) == [own.reference]
        auth.logout()


def test_page_links_keep_the_filters_mark_the_page_and_speak_the_readers_language(app, client, auth):
    """The links are kept per list URL, page and language (home/pagination.py)."""
    requester = RequesterFactory(locale="es")
    for n in range(app.config["PAGE_SIZE"] + 1):
        caseload_request(None, stage="submitted", state="NM", requester=requester, title=f"Plan {n}")
    auth.login(UserFactory(role="staff"))
    first, second = (client.get(f"/queue?state=NM&page={n}").get_data(as_text=True) for n in (1, 2))
    nav = second[second.index('<nav aria-label="Pagination"') :]
    assert 'href="/queue?state=NM&amp;page=2" class="usa-pagination__button usa-current"' in nav
    assert 'rel="prev"' in nav and 'rel="next"' not in nav
    assert 'rel="next"' in first and 'href="/queue?state=NM&amp;page=2"' in first
    for reader, words in ((RequesterFactory(organization=requester.organization), ('"Page 2"', ">Previous<")),
                          (requester, ('"Página 2"', ">Anterior<"))):  # fmt: skip
        auth.logout()
        auth.login(reader)
        mine = client.get("/requests?page=2").get_data(as_text=True)
        assert f'aria-label={words[0]} aria-current="page"' in mine and words[1] in mine


def test_each_page_of_the_queue_reads_one_kept_statement(app, client, auth):
    """Page 1 and page 2 differ only in the execution's page_limit and page_offset (table.paged):
    the same statement object, so SQLAlchemy's cache key is computed once, not on every view;
    and each page still shows its own rows."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tacenter.intake.table import PAGE_LIMIT

    size = app.config["PAGE_SIZE"]
    made = [
        caseload_request(None, stage="submitted", state="VT", title=f"Vermont {n}") for n in range(size + 2)
    ]
    auth.login(UserFactory(role="staff"))
    pages = []

    def keep(state) -> None:
        if getattr(state.statement, "_limit_clause", None) is PAGE_LIMIT:
            pages.append(state.statement)

    event.listen(Session, "do_orm_execute", keep)
    try:
        first, second = (
            _references(client.get(f"/queue?state=VT&page={n}").get_data(as_text=True)) for n in (1, 2)
        )
    finally:
        event.remove(Session, "do_orm_execute", keep)
    assert len(pages) == 2 and pages[0] is pages[1]
    assert len(first) == size and len(second) == 2
    assert sorted(first + second) == sorted(r.reference for r in made)
