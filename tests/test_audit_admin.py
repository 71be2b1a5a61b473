"""Admins browse, filter and export the audit log; the export escapes formulas and is audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from tacenter.audit.models import AuditEvent, Outcome
from tacenter.audit.services import Action, record_event_now
from tacenter.db import StatementCounter
from tacenter.extensions import db
from tests.factories import RequesterFactory, UserFactory


def _seed(admin, n: int = 30) -> None:
    for i in range(n):
        record_event_now(
            Action.SETTINGS_CHANGED if i % 2 else Action.SIGN_IN,
            actor=admin,
            object_ref=i,
            outcome=Outcome.FAILURE if i % 3 == 0 else Outcome.SUCCESS,
            now=datetime(2026, 5, 1 + i % 28, 12, tzinfo=UTC),
        )


def test_admins_filter_the_audit_log_by_action_outcome_actor_and_dates(auth, client):
    admin = UserFactory(role="admin", email="ada@tacenter.example")
    other = UserFactory(role="lead", email="lee@tacenter.example")
    _seed(admin)
    record_event_now(
        Action.ROLE_CHANGED, actor=other, object_ref="lee-marker", now=datetime(2026, 6, 1, 16, tzinfo=UTC)
    )
    auth.login(admin)
    page = client.get("/admin/audit?actor=lee@").get_data(as_text=True)
    assert "lee-marker" in page and "ada@tacenter.example" not in page.split("<tbody>")[1]
    page = client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert "lee-marker" in page
    page = client.get("/admin/audit?start=2026-06-01&end=2026-06-01").get_data(as_text=True)
    assert "lee-marker" in page and page.split("<tbody>")[1].count("<tr>") == 1
    page = client.get("/admin/audit?outcome=failure&action=sign_in").get_data(as_text=True)
    assert page.split("<tbody>")[1].count("<tr>") == 5  # i in 0, 6, 12, 18, 24
    assert client.get("/admin/audit?start=not-a-date&outcome=<script>").status_code == 200


def test_the_audit_page_is_paginated_with_a_bounded_query_count(auth, client):
    admin = UserFactory(role="admin")
    auth.login(admin)
    _seed(admin, 5)
    with StatementCounter(db.engine) as few:
        assert client.get("/admin/audit").status_code == 200
    _seed(admin, 60)
    with StatementCounter(db.engine) as many:
        page = client.get("/admin/audit?page=2")
    assert page.status_code == 200 and many.count <= few.count
    assert 'href="/admin/audit?page=3"' in page.get_data(as_text=True)


def test_the_export_escapes_formulas_and_is_itself_audited(auth, client):
    admin = UserFactory(role="admin")
    record_event_now(Action.SIGN_IN, object_ref='=HYPERLINK("http://evil")', outcome=Outcome.FAILURE)
    auth.login(admin)
    response = client.get("/admin/audit.csv?action=sign_in&outcome=failure")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][6] == '\'=HYPERLINK("http://evil")'
    exported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit_exported"))
    assert exported.actor_id == admin.id and "action=sign_in" in exported.object_ref


def test_only_admins_read_the_audit_log(auth, client):
    auth.login(RequesterFactory())
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "audit_exported")) == 0
