"""Admins add, edit and end an organization's grants, and set its registry flags, by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tacenter.accounts.models import Organization
from tacenter.audit.models import AuditEvent
from tacenter.audit.services import Action
from tacenter.errors import Conflict, DomainError
from tacenter.extensions import db
from tacenter.registry.grant_admin import GrantValues, save_grant
from tacenter.registry.models import Grant
from tests.factories import OrganizationFactory, ProgramFactory, RequesterFactory, UserFactory


@pytest.fixture
def setting(db_session):
    admin = UserFactory(role="admin", email="ada@tacenter.example")
    org = OrganizationFactory(name="Navajo Nation Early Childhood", state="AZ")
    program = ProgramFactory(name="Project LAUNCH")
    return admin, org, program


def _form(program, number="SM-24-001", start="2024-10-01", end="2029-09-29", **more):
    return {
        "program_id": program.id,
        "grant_number": number,
        "project_start": start,
        "project_end": end,
        "gpo_name": "Gail Officer",
        "gpo_email": "gail@samhsa.example",
        "project_director": "Dana Director",
        **more,
    }


def _grant_events() -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == Action.GRANT_CHANGED))


def test_an_admin_adds_a_grant_and_sees_it_on_the_organization_page(auth, client, setting):
    admin, org, program = setting
    auth.login(admin)
    page = f"/admin/organizations/{org.id}/grants/new"
    response = auth.post(page, _form(program))
    assert response.status_code == 302
    listing = client.get(f"/admin/organizations/{org.id}").get_data(as_text=True)
    assert "SM-24-001" in listing and "Project LAUNCH" in listing and "2024-10-01 to 2029-09-29" in listing


def test_an_admin_ends_a_grant_by_editing_its_end_and_the_edit_is_audited_once(auth, client, setting):
    admin, org, program = setting
    grant = save_grant(
        org.id, GrantValues(program.id, "SM-24-001", date(2024, 10, 1), date(2029, 9, 29)), actor=admin
    )
    before = _grant_events()
    auth.login(admin)
    response = auth.post(f"/admin/grants/{grant.id}", _form(program, end="2025-06-30"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).project_end == date(2025, 6, 30)
    assert _grant_events() == before + 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.GRANT_CHANGED)).all()[-1]
    assert event.actor_id == admin.id and "2025-06-30" in event.detail and "gail" not in event.detail


def test_a_duplicate_grant_number_is_refused_with_a_message(auth, client, setting):
    admin, org, program = setting
    other = OrganizationFactory(name="Ohio Project LAUNCH", state="OH")
    save_grant(
        other.id, GrantValues(program.id, "SM-24-001", date(2024, 10, 1), date(2029, 9, 29)), actor=admin
    )
    auth.login(admin)
    response = auth.post(f"/admin/organizations/{org.id}/grants/new", _form(program, number="sm-24-001"))
    assert response.status_code == 400
    assert "Another grant already has that grant number." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 1


def test_a_duplicate_that_slips_past_the_check_is_a_form_error_not_a_500(setting, monkeypatch):
    """Two admins saving the same number at once: the unique index refuses the second."""
    admin, org, program = setting
    # The second writer's check ran before the first one committed; the index still refuses it.
    db.session.add(Grant(grant_number="SM-24-009", organization_id=org.id, program_id=program.id,
                         project_start=date(2024, 1, 1), project_end=date(2025, 1, 1)))  # fmt: skip
    db.session.commit()
    from tacenter.registry import grant_admin

    monkeypatch.setattr(grant_admin, "_check", lambda values, grant: values)  # the check saw no clash
    with pytest.raises(Conflict, match="Another grant already has that grant number."):
        save_grant(
            org.id, GrantValues(program.id, "SM-24-009", date(2024, 1, 1), date(2025, 1, 1)), actor=admin
        )
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 1


def test_a_project_period_ending_before_it_starts_is_refused(auth, setting):
    admin, org, program = setting
    auth.login(admin)
    response = auth.post(
        f"/admin/organizations/{org.id}/grants/new", _form(program, start="2025-01-01", end="2024-12-31")
    )
    assert response.status_code == 400
    assert "The project period cannot end before it starts." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 0


def test_a_bad_email_and_an_inactive_program_are_refused(setting):
    admin, org, program = setting
    values = GrantValues(program.id, "SM-1", date(2024, 1, 1), date(2025, 1, 1), gpo_email="not an email")
    with pytest.raises(DomainError, match="email"):
        save_grant(org.id, values, actor=admin)
    retired = ProgramFactory(name="Retired program", active=False)
    with pytest.raises(DomainError, match="no longer active"):
        save_grant(org.id, GrantValues(retired.id, "SM-2", date(2024, 1, 1), date(2025, 1, 1)), actor=admin)


@pytest.mark.parametrize("role", ["requester", "staff", "lead", "leadership"])
def test_only_admins_reach_the_grant_pages(auth, client, setting, role):
    admin, org, program = setting
    grant = save_grant(
        org.id, GrantValues(program.id, "SM-24-001", date(2024, 10, 1), date(2029, 9, 29)), actor=admin
    )
    user = RequesterFactory(organization=org) if role == "requester" else UserFactory(role=role)
    auth.login(user)
    for path in (f"/admin/organizations/{org.id}/grants/new", f"/admin/grants/{grant.id}"):
        assert client.get(path).status_code in (403, 404)
        assert client.post(path, data=_form(program, number="SM-X")).status_code in (400, 403, 404)
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 1


def test_an_admin_sets_the_extra_states_and_tribal_flag_of_an_organization(auth, setting):
    admin, org, _ = setting
    auth.login(admin)
    data = {"name": org.name, "org_type": "tribal", "state": "AZ", "other_states": "nm; ut", "is_tribal": "y"}
    assert auth.post(f"/admin/organizations/{org.id}", data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Organization, org.id)
    assert (saved.other_states, saved.is_tribal, saved.is_territory) == ("NM;UT", True, False)
    response = auth.post(f"/admin/organizations/{org.id}", {**data, "other_states": "NM;XX"})
    assert "These are not state or territory codes: XX." in response.get_data(as_text=True)
