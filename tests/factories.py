"""factory_boy factories over the app's session."""

from __future__ import annotations

import secrets

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.twofactor.services import ALWAYS_REQUIRED, totp_credential
from tacenter.vocab import OrgType, Role

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # hashing once keeps the suite fast


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    org_type = OrgType.SAMHSA_GRANTEE.value
    state = "NM"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.STAFF.value
    password_hash = _HASH
    active = True
    organization = None

    @factory.post_generation
    def authenticator(user, create, extracted, **kwargs):
        """Leads, leadership and admins must have a second factor: give them an authenticator
        app (tests.conftest.Auth.login types its code). `authenticator=False` leaves it out."""
        if create and extracted is not False and Role(user.role) in ALWAYS_REQUIRED:
            db.session.add(totp_credential(user.id, pyotp.random_base32()))
            db.session.commit()


class RequesterFactory(UserFactory):
    role = Role.REQUESTER.value
    organization = factory.SubFactory(OrganizationFactory)


class TopicFactory(Base):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class ProgramFactory(Base):
    class Meta:
        model = GrantProgram

    name = factory.Sequence(lambda n: f"Program {n}")


def draft(topic_ids, **overrides):
    from tacenter.intake.services import RequestDraft

    values = {
        "title": "Medicaid billing for dyadic services",
        "description": "We need help setting up billing codes for dyadic care.",
        "desired_outcome": "A billing guide.",
        "topic_ids": topic_ids,
        "state": "NM",
    }
    values.update(overrides)
    return RequestDraft(**values)


def submit(requester, topic=None, *, now=None, **overrides):
    from tacenter.intake.services import submit_request

    topic = topic or TopicFactory()
    return submit_request(
        draft([topic.id], **overrides), submission_token=secrets.token_hex(8), actor=requester, now=now
    )


def staff_profile(
    user, *, primary=(), secondary=(), states=(), programs=(), capacity=6.0, active=True, backup=None
):
    """A routing profile for `user`: topics by level, states covered, programs supported."""
    from tacenter.routing.models import Level, StaffExpertise, StaffProfile, StaffState

    profile = StaffProfile(
        user_id=user.id,
        capacity=capacity,
        active=active,
        backup_user_id=backup.id if backup else None,
        expertise=[StaffExpertise(topic_id=t.id, level=Level.PRIMARY.value) for t in primary]
        + [StaffExpertise(topic_id=t.id, level=Level.SECONDARY.value) for t in secondary],
        states=[StaffState(state=s) for s in states],
        programs=list(programs),
    )
    db.session.add(profile)
    db.session.commit()
    return profile


def caseload_request(assignee, *, tier="targeted", stage="in_progress", **values):
    """An open request already on `assignee`'s caseload, inserted directly (setup, not a journey)."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from tacenter.intake.models import TARequest

    requester = values.pop("requester", None) or RequesterFactory()
    now = values.pop("now", None) or datetime.now(UTC)
    ta_request = TARequest(
        submission_token=secrets.token_hex(8),
        title=values.pop("title", "Ongoing work"),
        description="Ongoing technical assistance.",
        state=values.pop("state", "NM"),
        tier=tier,
        requester_id=requester.id,
        organization_id=requester.organization_id,
        stage=stage,
        assignee_id=assignee.id if assignee else None,
        submitted_at=now,
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(ta_request)
    db.session.flush()
    ta_request.reference = f"TA-{now.year}-{ta_request.id:04d}"
    db.session.commit()
    # Keep the given time: the ORM's onupdate stamped the clock when the reference was set.
    db.session.execute(update(TARequest).where(TARequest.id == ta_request.id).values(updated_at=now))
    db.session.commit()
    return ta_request


def request_in_progress(requester=None, staff=None, lead=None, **overrides):
    """A request assigned to `staff` and in progress: (ta_request, requester, staff, lead)."""
    from tacenter.workflow.assignment import assign_request
    from tacenter.workflow.services import change_stage

    requester = requester or RequesterFactory()
    staff = staff or UserFactory(role="staff")
    lead = lead or UserFactory(role="lead")
    ta_request = submit(requester, **overrides)
    assign_request(ta_request.reference, staff.id, actor=lead)
    change_stage(ta_request.reference, "in_progress", actor=staff)
    return ta_request, requester, staff, lead


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
