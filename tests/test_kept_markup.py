"""Markup kept per process (tacenter/home/layout_parts.py, formkit.kept_fields on the request
form) still shows each reader their own language, organization and catalog."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from tacenter.catalog.models import Topic
from tacenter.extensions import db
from tacenter.registry.grant_admin import GrantValues, save_grant
from tests.conftest import Auth
from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    UserFactory,
    request_in_progress,
)

SPANISH_FOOTER = "Centro de Asistencia Técnica IECMH: asistencia técnica en salud mental infantil"
ENGLISH_FOOTER = "IECMH TA Center: technical assistance for infant and early childhood mental health."


def _selected_state(html: str) -> str:
    select = re.search(r'<select[^>]*name="state".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected', select).group(1)


def _signed_in(app, *users):
    """A client per user, all signed in before any page is read (a sign-in writes the user row,
    which is part of the catalog copy: reading between sign-ins would never reuse the markup)."""
    clients = []
    for user in users:
        clients.append(app.test_client())
        Auth(clients[-1]).login(user)
    return clients


def _form(client) -> str:
    return client.get("/requests/new").get_data(as_text=True)


def test_each_requester_sees_their_own_state_grants_and_the_current_topics(app):
    admin = UserFactory(role="admin")
    program = ProgramFactory(name="Project LAUNCH")
    navajo_nation = OrganizationFactory(name="Navajo Nation Early Childhood", state="AZ")
    hopi_tribe = OrganizationFactory(name="Hopi Tribe Early Childhood", state="AZ")  # same state
    ohio = OrganizationFactory(name="Ohio Department of Health", state="OH")  # no grant
    for org, number in ((navajo_nation, "SM-24-001"), (hopi_tribe, "SM-24-777")):
        save_grant(org.id, GrantValues(program.id, number, date(2024, 10, 1), date(2029, 9, 29)), actor=admin)
    db.session.commit()
    navajo, hopi, buckeye = _signed_in(
        app, *(RequesterFactory(organization=org) for org in (navajo_nation, hopi_tribe, ohio))
    )

    first = _form(navajo)
    assert _selected_state(first) == "AZ" and "SM-24-001" in first
    second = _form(hopi)
    assert _selected_state(second) == "AZ" and "SM-24-777" in second and "SM-24-001" not in second
    third = _form(buckeye)
    assert _selected_state(third) == "OH" and 'name="grant_id"' not in third
    assert "SM-24-001" in _form(navajo) and "SM-24-777" not in _form(navajo)

    db.session.add(Topic(name="Dyadic Medicaid billing"))  # a catalog edit reaches the kept form
    db.session.commit()
    assert "Dyadic Medicaid billing" in _form(buckeye)


def test_the_kept_layout_speaks_each_readers_language(app):
    spanish, english = _signed_in(app, RequesterFactory(locale="es"), RequesterFactory(locale="en"))
    for client, footer, banner in (
        (spanish, SPANISH_FOOTER, "Los sitios web oficiales usan .gov"),
        (english, ENGLISH_FOOTER, "Official websites use .gov"),
        (spanish, SPANISH_FOOTER, "Los sitios web oficiales usan .gov"),
    ):
        html = _form(client)
        assert footer in html and banner in html
        assert html.count("uswds.min.js") == 1  # the footer's script, once


def test_a_layout_part_outside_the_list_is_refused(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="not a kept layout part"):
        render_template_string('{{ kept_part("intake/new.html") }}')


def test_kept_links_follow_the_script_root_the_app_is_served_under(app):
    (client,) = _signed_in(app, RequesterFactory())
    mounted = client.get("/requests/new", base_url="http://localhost/ta").get_data(as_text=True)
    assert 'href="/ta/requests"' in mounted and 'action="/ta/logout"' in mounted
    assert 'href="/ta/static/css/app.css"' in mounted
    at_root = _form(client)
    assert 'href="/requests"' in at_root and 'action="/logout"' in at_root and "/ta/" not in at_root


def test_the_events_filters_show_a_topic_added_after_they_were_kept(app):
    (client,) = _signed_in(app, UserFactory(role="staff"))
    assert "Perinatal mental health" not in client.get("/events").get_data(as_text=True)
    db.session.add(Topic(name="Perinatal mental health"))
    db.session.commit()
    assert "Perinatal mental health" in client.get("/events").get_data(as_text=True)  # same filters
    page = client.get("/events?type=training").get_data(as_text=True)
    assert "Perinatal mental health" in page and 'value="training" selected' in page
    assert 'value="training" selected' not in client.get("/events").get_data(as_text=True)


def test_the_report_filters_follow_the_readers_choice_the_staff_and_the_fiscal_year(app, monkeypatch):
    (client,) = _signed_in(app, UserFactory(role="leadership"))
    first = client.get("/reports/volume?period=fy2026").get_data(as_text=True)
    assert 'value="fy2026" selected' in first and "Marisol Quintero" not in first
    UserFactory(role="staff", name="Marisol Quintero")
    db.session.commit()
    page = client.get("/reports/declined?period=fy2025").get_data(as_text=True)
    assert "Marisol Quintero" in page and 'value="fy2025" selected' in page
    assert 'value="fy2026" selected' not in page and 'value="fy2028"' not in page
    # A new fiscal year brings its choices, though nothing else about the form changed.
    monkeypatch.setattr("tacenter.reports.views.utcnow", lambda: datetime(2027, 10, 2, 12, tzinfo=UTC))
    assert 'value="fy2028"' in client.get("/reports/declined?period=fy2025").get_data(as_text=True)


def test_a_request_pages_kept_fields_offer_its_own_goals_and_show_a_refused_note(app):
    from tacenter.delivery.plans import add_goal

    staff = UserFactory(role="staff")
    first, *_ = request_in_progress(staff=staff, tier="intensive")
    second, *_ = request_in_progress(staff=staff, tier="intensive")
    add_goal(first.reference, "Medicaid pays for dyadic sessions", actor=staff)
    add_goal(second.reference, "Home visitors trained in reflective practice", actor=staff)
    db.session.commit()
    (client,) = _signed_in(app, staff)

    def goal_options(reference: str) -> str:
        html = client.get(f"/requests/{reference}").get_data(as_text=True)
        return re.search(r'<select[^>]*name="step-goal_id".*?</select>', html, re.S).group(0)

    assert "Medicaid pays" in goal_options(first.reference)
    assert "Home visitors" in goal_options(second.reference) and "Medicaid" not in goal_options(
        second.reference
    )
    # A refused form comes back with its message and what was typed, then empty again.
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/requests/{first.reference}").text)[
        1
    ]
    refused = client.post(f"/requests/{first.reference}/notes", data={"csrf_token": token, "note-body": " "})
    assert refused.status_code == 400 and "usa-input--error" in refused.get_data(as_text=True)
    assert "usa-input--error" not in client.get(f"/requests/{first.reference}").get_data(as_text=True)
