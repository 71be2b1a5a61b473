"""Triage: suggestions, assigning from the page (one at a time and in bulk), and its rows."""

from datetime import date

from tacenter.extensions import db
from tacenter.routing.models import StaffAbsence
from tests.factories import (
    RequesterFactory,
    TopicFactory,
    UserFactory,
    caseload_request,
    staff_profile,
    submit,
)


def test_lead_assigns_from_triage_in_one_action(client, auth):
    topic = TopicFactory(name="Financing")
    ana = UserFactory(name="Ana Expert")
    staff_profile(ana, primary=[topic], states=["NM"])
    ta_request = submit(RequesterFactory(), topic=topic)
    lead = UserFactory(role="lead")
    auth.login(lead)
    html = client.get("/triage").get_data(as_text=True)
    assert "Assign to Ana Expert" in html and "covers NM; primary in Financing; 0 of 6 capacity" in html
    response = auth.post(
        f"/triage/{ta_request.reference}/assign",
        {"assignee_id": ana.id, "version": ta_request.version},
        form_page="/triage",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert ta_request.assignee_id == ana.id and ta_request.stage == "assigned"
    after = client.get("/triage").get_data(as_text=True)
    assert "was assigned to Ana Expert" in after and "Nothing is waiting for triage" in after


def test_triage_counts_what_waits_and_names_each_requests_topics_in_order(client, auth):
    """The total comes with the page's rows (and apart, past the last page); the topics with
    routing's fits."""
    from tacenter.intake.services import submit_request
    from tests.factories import draft

    workforce, financing = TopicFactory(name="Workforce"), TopicFactory(name="Financing")
    requester = RequesterFactory()
    for n in range(3):
        submit_request(draft([workforce.id, financing.id]), submission_token=f"t-{n}", actor=requester)
    auth.login(UserFactory(role="lead"))
    first = client.get("/triage").get_data(as_text=True)
    assert "3 requests waiting." in first and first.count("Financing, Workforce") == 3
    past_the_end = client.get("/triage?page=9").get_data(as_text=True)
    assert "3 requests waiting." in past_the_end


def test_assigning_a_request_someone_else_just_took_is_a_409_naming_them(client, auth):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    ta_request = submit(RequesterFactory())
    seen = ta_request.version
    auth.login(UserFactory(role="lead"))
    first = auth.post(
        f"/triage/{ta_request.reference}/assign",
        {"assignee_id": ana.id, "version": seen},
        form_page="/triage",
    )
    assert first.status_code == 302
    second = auth.post(
        f"/triage/{ta_request.reference}/assign",
        {"assignee_id": ben.id, "version": seen},
        form_page="/triage",
    )
    assert second.status_code == 409 and "it is now with Ana" in second.get_data(as_text=True)
    json = client.post(
        f"/triage/{ta_request.reference}/assign",
        data={"assignee_id": ben.id, "version": seen, "csrf_token": "bad"},
        headers={"Accept": "application/json"},
    )
    assert json.status_code == 400  # no CSRF token: refused before anything


def test_bulk_assign_from_the_page(client, auth):
    ana = UserFactory(name="Ana")
    refs = [submit(RequesterFactory()) for _ in range(3)]
    auth.login(UserFactory(role="lead"))
    response = auth.post(
        "/triage/bulk",
        {"items": [f"{r.reference}@{r.version}" for r in refs[:2]] + ["junk", "@"], "assignee_id": ana.id},
        form_page="/triage",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [r.assignee_id for r in refs] == [ana.id, ana.id, None]
    empty = auth.post("/triage/bulk", {"assignee_id": ana.id}, form_page="/triage")
    assert empty.status_code == 400 and "Tick at least one" in empty.get_data(as_text=True)


def test_triage_says_why_no_one_is_eligible(client, auth):
    topic = TopicFactory(name="Financing")
    full, away = UserFactory(name="Full"), UserFactory(name="Elsewhere")
    staff_profile(full, primary=[topic], capacity=1)
    caseload_request(full)
    staff_profile(UserFactory(), primary=[TopicFactory(name="Home visiting")])
    staff_profile(away, primary=[topic])
    db.session.add(StaffAbsence(user_id=away.id, starts_on=date.today(), ends_on=date.today()))
    db.session.commit()
    submit(RequesterFactory(), topic=topic)
    auth.login(UserFactory(role="lead"))
    html = client.get("/triage").get_data(as_text=True)
    assert (
        "No one is eligible: 1 person: at capacity; 1 person: away on the needed date; "
        "1 person: no expertise in the request&#39;s topics." in html
    )


def test_triage_rows_escape_what_people_typed(client, auth):
    """The rows are written in Python (routing/triage_rows.py), not by Jinja's autoescape."""
    from tests.factories import OrganizationFactory

    topic = TopicFactory(name="Financing")
    staff_profile(UserFactory(name="<i>Ana</i>"), primary=[topic], states=["NM"])
    org = OrganizationFactory(name='Council <img src=x onerror="alert(1)">', status="pending")
    ta_request = submit(RequesterFactory(organization=org), topic=topic)
    ta_request.title = "<script>alert('t')</script> & plan"
    db.session.commit()
    auth.login(UserFactory(role="lead"))
    html = client.get("/triage").get_data(as_text=True)
    row = html.split("<tbody>")[1]
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; plan" in row and "<script>" not in row
    assert "Council &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in row and "<img" not in row
    assert "Assign to &lt;i&gt;Ana&lt;/i&gt;" in row and "Pending organization" in row
    assert f'value="{ta_request.reference}@{ta_request.version}"' in row
