"""The grantee registry: vetting self-registered organizations, grants on requests, reach."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tacenter.accounts.models import Organization, OrgStatus, User
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.registry import queries, vetting
from tacenter.registry.models import Grant, OrganizationEvent
from tests.conftest import csrf_token
from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    submit,
)

TZ = "America/New_York"


def _register(client, name="Zuni Family Wellness"):
    token = csrf_token(client, "/register")
    data = {
        "email": "new@zuni.example", "name": "Nia New", "password": "a long enough passphrase 42",
        "confirm": "a long enough passphrase 42", "organization_name": name, "org_type": "tribal",
        "state": "NM", "csrf_token": token,
    }  # fmt: skip
    return client.post("/register", data=data)


def test_a_self_registered_organization_is_pending_until_vetted(client):
    response = _register(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    org = db.session.scalar(select(Organization).where(Organization.name == "Zuni Family Wellness"))
    assert org.status == OrgStatus.PENDING


def test_requests_of_a_pending_organization_reach_triage_and_the_queue_flagged(client, auth):
    pending = OrganizationFactory(status=OrgStatus.PENDING.value)
    submit(RequesterFactory(organization=pending), title="From a pending organization")
    submit(RequesterFactory(), title="From an approved organization")
    auth.login(UserFactory(role="lead"))
    for path in ("/triage", "/queue"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("Pending organization") == 1, path


def test_a_lead_approves_a_pending_organization_with_history(client, auth):
    org = OrganizationFactory(status=OrgStatus.PENDING.value)
    lead = UserFactory(role="lead")
    auth.login(lead)
    assert org.name in client.get("/registry/pending").get_data(as_text=True)
    response = auth.post(f"/registry/organizations/{org.id}/approve", {}, form_page="/registry/pending")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).status == OrgStatus.APPROVED
    event = db.session.scalar(select(OrganizationEvent).where(OrganizationEvent.organization_id == org.id))
    assert (event.action, event.actor_id) == ("approved", lead.id)


def test_merging_moves_members_requests_and_grants_into_the_existing_organization(client, auth):
    existing = OrganizationFactory(name="Navajo Nation Department of Health")
    dup = OrganizationFactory(name="Navajo Nation DOH", status=OrgStatus.PENDING.value)
    requester = RequesterFactory(organization=dup)
    ta_request = submit(requester)
    auth.login(UserFactory(role="lead"))
    response = auth.post(
        f"/registry/organizations/{dup.id}/merge",
        {"into_id": existing.id, "note": "Same department"},
        form_page="/registry/pending",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, requester.id).organization_id == existing.id
    assert db.session.get(type(ta_request), ta_request.id).organization_id == existing.id
    merged = db.session.get(Organization, dup.id)
    assert (merged.status, merged.merged_into_id) == (OrgStatus.MERGED, existing.id)
    actions = set(db.session.scalars(select(OrganizationEvent.action)))
    assert actions == {"merged_into", "merged_from"}
    # The requester now sees the request as a member of the existing organization.
    auth.logout()
    auth.login(db.session.get(User, requester.id))
    assert ta_request.reference in client.get("/requests").get_data(as_text=True)


def test_only_leads_and_admins_vet_and_only_pending_organizations(db_session):
    org = OrganizationFactory(status=OrgStatus.PENDING.value)
    with pytest.raises(NotAllowed):
        vetting.approve_organization(org.id, actor=UserFactory(role="staff"))
    lead = UserFactory(role="lead")
    vetting.approve_organization(org.id, actor=lead)
    with pytest.raises(DomainError):
        vetting.approve_organization(org.id, actor=lead)
    other = OrganizationFactory(status=OrgStatus.PENDING.value)
    with pytest.raises(DomainError):  # never into another pending organization
        vetting.merge_organization(org.id, other.id, actor=lead)


def _grant(org, program, number, start=date(2023, 9, 30), end=date(2028, 9, 29)):
    grant = Grant(grant_number=number, organization_id=org.id, program_id=program.id,
                  project_start=start, project_end=end, gpo_name="Gail Officer")  # fmt: skip
    db.session.add(grant)
    db.session.commit()
    return grant


def test_a_request_names_one_of_its_organizations_grants_and_no_other(db_session):
    program = ProgramFactory(name="Project LAUNCH")
    requester = RequesterFactory()
    own = _grant(requester.organization, program, "SM-23-001")
    foreign = _grant(OrganizationFactory(), program, "SM-23-002")
    ta_request = submit(requester, grant_id=own.id)
    assert (ta_request.grant_id, ta_request.program_id) == (own.id, program.id)
    with pytest.raises(DomainError):
        submit(requester, grant_id=foreign.id)


def test_the_request_form_offers_the_organizations_grants(client, auth):
    requester = RequesterFactory()
    _grant(requester.organization, ProgramFactory(name="IECMH"), "SM-24-777")
    auth.login(requester)
    assert "SM-24-777" in client.get("/requests/new").get_data(as_text=True)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


def test_reach_matches_an_independent_count_of_the_roster(db_session):
    """Random roster, requests and activities; reach() against a count made from the rows."""
    from tacenter.delivery.models import TAActivity

    rng = random.Random(14)
    programs = [ProgramFactory(name=f"Program {n}") for n in range(3)]
    orgs = [OrganizationFactory(name=f"Grantee {n:02d}") for n in range(24)]
    topic = TopicFactory()
    start, end = date(2024, 10, 1), date(2025, 9, 30)  # FY2025
    grants = []
    for n, org in enumerate(orgs):
        for program in rng.sample(programs, rng.randint(0, 2)):
            g_start = rng.choice([date(2020, 1, 1), date(2023, 1, 1), date(2025, 10, 1)])
            g_end = g_start + timedelta(days=rng.choice([365, 5 * 365]))
            grants.append(_grant(org, program, f"G-{n}-{program.id}", g_start, g_end))
        requester = RequesterFactory(organization=org)
        for _ in range(rng.randint(0, 2)):
            when = rng.choice([date(2024, 6, 1), date(2024, 11, 15), date(2025, 5, 1)])
            ta_request = submit(requester, topic, now=_at(when))
            if rng.random() < 0.5:
                activity_day = rng.choice([date(2024, 9, 1), date(2025, 3, 3), date(2025, 12, 1)])
                db.session.add(TAActivity(ta_request_id=ta_request.id, activity_date=activity_day,
                                          hours=Decimal("1.5"), mode="virtual_meeting"))  # fmt: skip
    db.session.commit()

    expected = {}
    for program in programs:
        roster = {g.organization_id for g in grants if g.program_id == program.id
                  and g.project_start <= end and g.project_end >= start}  # fmt: skip
        if not roster:
            continue
        lo, hi = _at(start) - timedelta(hours=15), _at(end) + timedelta(hours=9)
        requested = {o for o in roster if any(lo <= r.submitted_at < hi for r in _requests_of(o))}
        received = {
            o for o in roster for r in _requests_of(o)
            for a in db.session.scalars(select(TAActivity).where(TAActivity.ta_request_id == r.id))
            if start <= a.activity_date <= end
        }  # fmt: skip
        expected[program.name] = (len(roster), len(requested), len(received), len(roster - received))

    got = {r.program: (r.roster, r.requested, r.received, r.none) for r in queries.reach(start, end, tz=TZ)}
    assert got == expected
    assert any(v[3] for v in got.values()), "the sample should leave some grantee unreached"


def _requests_of(org_id):
    from tacenter.intake.models import TARequest

    return db.session.scalars(select(TARequest).where(TARequest.organization_id == org_id)).all()


def test_reach_shows_on_the_dashboard_and_lists_grantees_without_ta(client, auth):
    program = ProgramFactory(name="Project LAUNCH")
    reached, unreached = (
        OrganizationFactory(name="Reached Grantee"),
        OrganizationFactory(name="Quiet Grantee"),
    )
    for n, org in enumerate((reached, unreached)):
        _grant(org, program, f"SM-{n}", date(2000, 1, 1), date(2099, 1, 1))
    ta_request = submit(RequesterFactory(organization=reached))
    from tacenter.delivery.models import TAActivity

    db.session.add(TAActivity(ta_request_id=ta_request.id, activity_date=ta_request.submitted_at.date(),
                              hours=Decimal("1"), mode="virtual_meeting"))  # fmt: skip
    db.session.commit()
    auth.login(UserFactory(role="leadership"))
    dashboard = client.get("/reports/").get_data(as_text=True)
    assert "Reach against the roster" in dashboard and "Project LAUNCH" in dashboard
    assert "1 (50%)" in dashboard
    report = client.get("/registry/reach?period=fy" + str(_fy(ta_request.submitted_at))).get_data(
        as_text=True
    )
    assert "Quiet Grantee" in report and "Reached Grantee" not in report.split("received no TA")[1]


def _fy(when: datetime) -> int:
    return when.year + 1 if when.month >= 10 else when.year


def test_the_demo_seeds_a_roster_so_reach_shows_on_the_dashboard(client, auth):
    from tacenter.demo.seed import seed_demo

    seed_demo(request_count=40)
    seed_demo(request_count=40)  # idempotent: the roster is not added twice
    assert db.session.scalar(select(func.count(Grant.id))) == 6
    leadership = db.session.scalar(select(User).where(User.role == "leadership"))
    auth.login(leadership, password="demo-password")
    html = client.get("/reports/").get_data(as_text=True)
    assert "Project LAUNCH" in html.split("Reach against the roster")[1]
    report = client.get("/registry/reach").get_data(as_text=True)
    # On the roster, without a requester: received none.
    assert "Navajo Nation Early Childhood Partnership" in report.split("received no TA", 1)[1]
