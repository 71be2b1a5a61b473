"""factory_boy factories over the app's session."""

from __future__ import annotations

import secrets

import factory
from factory.alchemy import SQLAlchemyModelFactory

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
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
