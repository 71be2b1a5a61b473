"""Web processes keep the catalog's lists (topics, programs, grants, routing settings) until an
edit changes the catalog version: the next page shows the edit, in this process and in others."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert, select

from tacenter.catalog.models import CatalogVersion, Topic
from tacenter.catalog.services import create_entry, update_entry
from tacenter.extensions import db
from tacenter.registry.grant_admin import GrantValues, save_grant
from tests.conftest import make_app
from tests.factories import ProgramFactory, RequesterFactory, TopicFactory, UserFactory


@pytest.fixture(autouse=True)
def _migrated_version_row(db_session):
    """The row the migration writes (the tests' emptied tables lack it)."""
    db_session.execute(delete(CatalogVersion))
    db_session.execute(insert(CatalogVersion).values(id=1, token="as-migrated"))
    db_session.commit()


def _form(client) -> str:
    response = client.get("/requests/new")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_topic_added_renamed_or_deactivated_shows_on_the_next_form(client, auth, db_session):
    requester, admin = RequesterFactory(), UserFactory(role="admin")
    home_visiting = TopicFactory(name="Home visiting")
    auth.login(requester)
    assert "Home visiting" in _form(client)

    create_entry("topic", "Family engagement", actor=admin)
    html = _form(client)
    assert "Home visiting" in html and "Family engagement" in html

    update_entry("topic", home_visiting.id, "Perinatal care", True, actor=admin)
    html = _form(client)
    assert "Perinatal care" in html and "Home visiting" not in html

    update_entry("topic", home_visiting.id, "Perinatal care", False, actor=admin)
    assert "Perinatal care" not in _form(client)


def test_an_edit_committed_by_another_process_shows_on_the_next_form(client, auth, db_session):
    RequesterFactory()
    TopicFactory(name="Home visiting")
    requester = RequesterFactory()
    auth.login(requester)
    assert "Home visiting" in _form(client)  # kept by this process from here on

    other = make_app()  # another web process: its own copies, the same database
    with other.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.name == "Home visiting"))
        topic.name = "Screening and assessment"
        db.session.commit()
        db.session.remove()

    html = _form(client)
    assert "Screening and assessment" in html and "Home visiting" not in html


def test_a_rolled_back_edit_is_not_kept(client, auth, db_session):
    TopicFactory(name="Home visiting")
    auth.login(RequesterFactory())
    assert "Home visiting" in _form(client)
    topic = db_session.scalar(select(Topic))
    topic.name = "Never saved"
    db_session.flush()
    assert "Never saved" in _form(client)  # this transaction's own page sees its change
    db_session.rollback()
    html = _form(client)
    assert "Home visiting" in html and "Never saved" not in html


def test_a_grant_added_to_the_organization_shows_on_its_next_form(client, auth, db_session):
    TopicFactory()
    program = ProgramFactory(name="Project LAUNCH")
    requester, admin = RequesterFactory(), UserFactory(role="admin")
    auth.login(requester)
    assert "H79SM000123" not in _form(client)
    values = GrantValues(program.id, "H79SM000123", date(2025, 9, 30), date(2030, 9, 29))
    save_grant(requester.organization_id, values, actor=admin)
    assert "H79SM000123" in _form(client)


def _queue(client, query: str = "") -> str:
    response = client.get("/queue" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_queue_filters_show_catalog_edits_and_each_views_selection(client, auth, db_session):
    """The queue keeps its filter fields' HTML per catalog version, language and query string."""
    staff, admin = UserFactory(role="staff", name="Dana Staff"), UserFactory(role="admin")
    home_visiting = TopicFactory(name="Home visiting")
    auth.login(staff)
    assert "Home visiting" in _queue(client)

    create_entry("topic", "Family engagement", actor=admin)
    assert "Family engagement" in _queue(client)
    staff.name = "Dana Renamed"
    db_session.commit()
    html = _queue(client)
    assert ">Dana Renamed</option>" in html and ">Dana Staff</option>" not in html

    chosen = f'<option value="{home_visiting.id}" selected>Home visiting</option>'
    assert chosen in _queue(client, f"?topic={home_visiting.id}")
    assert chosen not in _queue(client) and f'<option value="{home_visiting.id}">' in _queue(client)
    assert chosen in _queue(client, f"?topic={home_visiting.id}")  # kept, and still selected
