"""The audit chain: audit-verify finds an edited or deleted row, archiving keeps it verifiable,
concurrent writers never fork it, and the address is the trusted proxies' only."""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tacenter.audit.chain import verify_chain
from tacenter.audit.models import AuditEvent
from tacenter.audit.services import Action, record_event, record_event_now
from tacenter.extensions import db
from tests.conftest import csrf_token, make_app
from tests.factories import UserFactory


def _events(n: int, *, start: datetime | None = None) -> list[int]:
    actor = UserFactory(role="admin")
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    return [
        record_event_now(Action.SETTINGS_CHANGED, actor=actor, object_ref=i, now=start + timedelta(days=i)).id
        for i in range(n)
    ]


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit-verify"])


def test_audit_verify_passes_an_untouched_chain(app):
    _events(3)
    result = _verify(app)
    assert result.exit_code == 0 and "3 events" in result.output


def test_audit_verify_names_an_edited_row(app):
    ids = _events(4)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET outcome = 'failure' WHERE id = :id"), {"id": ids[2]})
    result = _verify(app)
    assert result.exit_code != 0 and f"event {ids[2]}" in result.output and "changed" in result.output


def test_audit_verify_names_the_row_after_a_deleted_one(app):
    ids = _events(4)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    result = _verify(app)
    assert result.exit_code != 0 and f"event {ids[2]}" in result.output


def test_audit_verify_notices_the_newest_rows_deleted(app):
    ids = _events(3)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[2]})
    result = _verify(app)
    assert result.exit_code != 0 and f"event {ids[1]}" in result.output


def test_archive_moves_old_events_to_a_file_and_the_chain_still_verifies(app, tmp_path):
    ids = _events(5)  # Jan 1 .. Jan 5, 2026
    out = tmp_path / "audit-2026.csv"
    result = app.test_cli_runner().invoke(args=["audit-archive", "--before", "2026-01-04", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as archived:
        rows = list(csv.DictReader(archived))
    assert [int(r["id"]) for r in rows] == ids[:3]
    db.session.expire_all()
    left = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert left == ["settings_changed", "settings_changed", "audit_archived"]
    assert _verify(app).exit_code == 0
    # The first kept row is still tied to the checkpoint: deleting it is caught.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[3]})
    assert _verify(app).exit_code != 0


def test_archive_never_overwrites_a_file(app, tmp_path):
    _events(2)
    out = tmp_path / "existing.csv"
    out.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["audit-archive", "--before", "2027-01-01", str(out)])
    assert result.exit_code != 0 and out.read_text() == "keep me"


def test_concurrent_writers_never_fork_the_chain(app):
    record_event_now(Action.SETTINGS_CHANGED)  # the chain head exists before the race
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def write(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(5):
                    record_event(Action.SETTINGS_CHANGED, object_ref=n)
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    db.session.expire_all()
    verdict = verify_chain(db.session)
    assert verdict.ok and verdict.checked == 31, verdict


@pytest.mark.parametrize(("proxy_count", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_address_is_the_one_our_proxies_report_never_a_client_header(app, proxy_count, expected):
    proxied = make_app(PROXY_COUNT=proxy_count)
    client = proxied.test_client()
    headers = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9"}  # the client forged the first entry
    token = csrf_token(client)
    client.post(
        "/login",
        data={"email": "nobody@x.example", "password": "x" * 12, "csrf_token": token},
        headers=headers,
    )
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.address)) == expected
