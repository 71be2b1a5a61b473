"""The admin area: users (role, deactivation), organizations, topics and programs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tacenter.accounts import management
from tacenter.accounts.models import LoginSession, Organization, User
from tacenter.catalog import services as catalog
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.workflow.models import StageChange
from tests.conftest import csrf_token
from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    submit,
)

# --- services ----------------------------------------------------------------------------------


def test_admin_changes_a_role_and_organization_follows_the_role(db_session):
    admin, org = UserFactory(role="admin"), OrganizationFactory()
    staff = UserFactory(role="staff")
    management.change_role(staff.id, "requester", actor=admin, organization_id=org.id)
    assert (staff.role, staff.organization_id) == ("requester", org.id)
    management.change_role(staff.id, "lead", actor=admin)
    assert (staff.role, staff.organization_id) == ("lead", None)


def test_a_requester_needs_an_organization_and_admins_keep_their_own_role(db_session):
    admin, staff = UserFactory(role="admin"), UserFactory(role="staff")
    with pytest.raises(DomainError, match="organization"):
        management.change_role(staff.id, "requester", actor=admin)
    with pytest.raises(DomainError, match="your own role"):
        management.change_role(admin.id, "staff", actor=admin)
    with pytest.raises(DomainError, match="from the list"):
        management.change_role(staff.id, "superuser", actor=admin)
    with pytest.raises(NotFound):
        management.change_role(987654, "staff", actor=admin)


@pytest.mark.parametrize("role", ["requester", "staff", "lead", "leadership"])
def test_only_admins_manage_accounts_and_the_catalog(db_session, role):
    actor = RequesterFactory() if role == "requester" else UserFactory(role=role)
    other = UserFactory(role="staff")
    with pytest.raises(NotAllowed):
        management.change_role(other.id, "lead", actor=actor)
    with pytest.raises(NotAllowed):
        management.create_organization("New org", "other", "NM", actor=actor)
    with pytest.raises(NotAllowed):
        catalog.create_entry("topic", "New topic", actor=actor)
    with pytest.raises(NotAllowed):
        catalog.update_entry("topic", 987654, "x", True, actor=actor)


def test_organization_names_are_unique_regardless_of_case(db_session):
    admin = UserFactory(role="admin")
    org = management.create_organization("Ohio Project LAUNCH", "samhsa_grantee", "OH", actor=admin)
    with pytest.raises(Conflict):
        management.create_organization("ohio project launch", "other", "OH", actor=admin)
    management.update_organization(org.id, "Ohio LAUNCH", "state_agency", "OH", actor=admin)
    assert (org.name, org.org_type) == ("Ohio LAUNCH", "state_agency")
    with pytest.raises(DomainError):
        management.update_organization(org.id, "Ohio LAUNCH", "state_agency", "ZZ", actor=admin)


def test_a_deactivated_topic_leaves_the_form_but_stays_on_past_requests(db_session):
    admin, requester = UserFactory(role="admin"), RequesterFactory()
    topic = catalog.create_entry("topic", "Home visiting", actor=admin)
    ta_request = submit(requester, topic)
    catalog.update_entry("topic", topic.id, "Home visiting", False, actor=admin)
    from tacenter.catalog.queries import topic_choices

    assert topic.id not in [i for i, _ in topic_choices()]
    db_session.expire_all()
    assert [t.name for t in db_session.get(type(ta_request), ta_request.id).topics] == ["Home visiting"]
    with pytest.raises(Conflict):
        catalog.create_entry("topic", "HOME VISITING", actor=admin)


# --- pages -------------------------------------------------------------------------------------


def test_admin_deactivates_a_user_who_is_signed_out_and_keeps_their_history(app, client, auth, db_session):
    admin, staff = UserFactory(role="admin"), UserFactory(role="staff")
    requester = RequesterFactory()
    ta_request = submit(requester)
    victim_client = app.test_client()
    from tests.conftest import Auth

    Auth(victim_client).login(requester)
    auth.login(admin)
    response = auth.post(
        f"/admin/users/{requester.id}/deactivate", {}, form_page=f"/admin/users/{requester.id}"
    )
    assert response.status_code == 302
    assert "was deactivated" in client.get(response.headers["Location"]).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, requester.id).active is False
    assert db_session.scalar(select(func.count()).where(LoginSession.user_id == requester.id)) == 0
    assert db_session.scalar(select(func.count()).where(StageChange.ta_request_id == ta_request.id)) == 1
    assert victim_client.get("/requests").status_code == 302  # their session is over
    assert staff.active


def test_admin_cannot_deactivate_themselves(client, auth, db_session):
    admin = UserFactory(role="admin")
    auth.login(admin)
    response = auth.post(f"/admin/users/{admin.id}/deactivate", {}, form_page="/admin/users")
    assert "cannot deactivate your own account" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db_session.expire_all()
    assert db_session.get(User, admin.id).active


def test_admin_changes_a_role_from_the_user_page_and_sees_errors_in_place(client, auth, db_session):
    admin, staff = UserFactory(role="admin"), UserFactory(role="staff", name="Sam Specialist")
    auth.login(admin)
    page = f"/admin/users/{staff.id}"
    refused = auth.post(f"{page}/role", {"role": "requester", "organization_id": ""}, form_page=page)
    assert refused.status_code == 400 and "Choose the requester" in refused.get_data(as_text=True)
    done = auth.post(f"{page}/role", {"role": "lead", "organization_id": ""}, form_page=page)
    assert done.status_code == 302
    assert "Sam Specialist is now Lead" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_admin_lists_and_filters_users(client, auth):
    auth.login(UserFactory(role="admin", name="Ada Admin"))
    UserFactory(role="staff", name="Sam Specialist")
    RequesterFactory(name="Rosa Requester")
    html = client.get("/admin/users?role=staff").get_data(as_text=True)
    assert "Sam Specialist" in html and "Rosa Requester" not in html
    html = client.get("/admin/users?q=rosa&role=bogus").get_data(as_text=True)
    assert "Rosa Requester" in html and "Sam Specialist" not in html
    assert "No user matches" in client.get("/admin/users?q=nobody-at-all").get_data(as_text=True)


def test_admin_adds_and_edits_an_organization(client, auth, db_session):
    auth.login(UserFactory(role="admin"))
    form = {"name": "Guam BHWC", "org_type": "territory_agency", "state": "GU"}
    assert auth.post("/admin/organizations/new", form).status_code == 302
    org = db_session.scalar(select(Organization).where(Organization.name == "Guam BHWC"))
    duplicate = auth.post("/admin/organizations/new", {**form, "name": "guam bhwc"})
    assert duplicate.status_code == 200 and "already exists" in duplicate.get_data(as_text=True)
    edited = auth.post(f"/admin/organizations/{org.id}", {**form, "name": "Guam Behavioral Health"})
    assert edited.status_code == 302
    assert "Guam Behavioral Health" in client.get("/admin/organizations").get_data(as_text=True)


@pytest.mark.parametrize("kind,model", [("topics", Topic), ("programs", GrantProgram)])
def test_admin_adds_renames_and_deactivates_catalog_entries(client, auth, db_session, kind, model):
    auth.login(UserFactory(role="admin"))
    assert auth.post(f"/admin/{kind}/new", {"name": "Tribal early childhood"}).status_code == 302
    entry = db_session.scalar(select(model))
    response = auth.post(f"/admin/{kind}/{entry.id}", {"name": "Tribal early childhood systems"})
    assert response.status_code == 302  # an unticked "Active" box deactivates
    db_session.expire_all()
    entry = db_session.get(model, entry.id)
    assert (entry.name, entry.active) == ("Tribal early childhood systems", False)
    html = client.get(f"/admin/{kind}").get_data(as_text=True)
    assert "Tribal early childhood systems" in html and "Inactive" in html


def test_catalog_pages_say_what_to_do_when_empty(client, auth):
    auth.login(UserFactory(role="admin"))
    assert "Add a topic" in client.get("/admin/topics").get_data(as_text=True)
    ProgramFactory()
    TopicFactory()
    assert csrf_token(client, "/admin/topics/new")
