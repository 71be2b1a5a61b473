"""The database fingerprint the access matrices and the safe-methods test rest on: it must see
every change to a domain row, and nothing else."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from tacenter.accounts.models import LoginSession, Organization
from tacenter.api.models import ApiToken
from tacenter.api.tokens import create_token
from tacenter.extensions import db
from tests.factories import OrganizationFactory, UserFactory
from tests.fingerprint import database_fingerprint


def _row(organization_id: int) -> dict:
    table = Organization.__table__
    return dict(db.session.execute(select(table).where(table.c.id == organization_id)).mappings().one())


def test_the_fingerprint_sees_every_change_to_a_domain_row_and_not_their_order(app):
    first, second = OrganizationFactory(name="First"), OrganizationFactory(name="Second")
    db.session.commit()
    before, first_row, second_row = database_fingerprint(), _row(first.id), _row(second.id)
    assert database_fingerprint() == before  # the same rows read twice

    for organization, change in ((first, {"name": "Changed"}), (second, {"other_states": "OH"})):
        db.session.execute(update(Organization).where(Organization.id == organization.id).values(**change))
        db.session.commit()
        assert database_fingerprint() != before, change  # a column nobody shows is data too
    for row in (first_row, second_row):  # written back as they were (updated_at included)
        db.session.execute(update(Organization).where(Organization.id == row["id"]).values(**row))
    db.session.commit()
    assert database_fingerprint() == before

    # A row deleted and written back as it was is the same data (on PostgreSQL it comes back at
    # another place in the table, so the rows are read in another order).
    db.session.execute(delete(Organization).where(Organization.id == first.id))
    db.session.commit()
    assert database_fingerprint() != before  # a row gone
    db.session.execute(insert(Organization.__table__).values(**first_row))
    db.session.commit()
    assert database_fingerprint() == before


def test_sign_in_bookkeeping_and_a_tokens_last_use_are_not_domain_data(app):
    user = UserFactory(role="staff")
    create_token("Reports", "read", 30, actor=user)
    db.session.commit()
    before = database_fingerprint()
    db.session.add(LoginSession(token_hash="x" * 64, user_id=user.id))
    db.session.execute(update(ApiToken).values(last_used_at=db.func.current_timestamp()))
    db.session.commit()
    assert database_fingerprint() == before
    db.session.execute(update(ApiToken).values(name="Renamed"))
    db.session.commit()
    assert database_fingerprint() != before
