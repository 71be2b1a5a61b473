"""Versioned instruments, 30/90-day follow-ups exactly once with the clock moved, objectives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tacenter.audit.models import AuditEvent
from tacenter.delivery.plans import add_goal
from tacenter.delivery.queries import survey_for
from tacenter.delivery.services import answer_survey
from tacenter.errors import Conflict, NotAllowed
from tacenter.notifications.models import EmailOutbox
from tacenter.outcomes.follow_ups import run_follow_ups
from tacenter.outcomes.models import FollowUp, ObjectiveChange
from tacenter.outcomes.objectives import add_objective, objectives_for, update_objective
from tacenter.outcomes.services import answer_follow_up
from tacenter.surveys.defaults import POST_REQUEST
from tacenter.surveys.instruments import ItemDraft, current_version, publish_version
from tacenter.workflow.services import change_stage, close_request
from tests.factories import UserFactory, request_in_progress

ANSWERS = {
    "quality": 5,
    "relevance": 4,
    "usefulness": 4,
    "timeliness": 3,
    "satisfaction": 5,
    "intent_to_use": True,
    "goal_met": "yes",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def closed_request(when: str = "2026-03-02 15:00", **overrides):
    ta_request, requester, staff, lead = request_in_progress(**overrides)
    change_stage(ta_request.reference, "delivered", actor=staff, now=at(when))
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff, now=at(when))
    return ta_request, requester, staff, lead


def test_editing_an_instrument_makes_a_version_and_old_answers_keep_theirs(db_session):
    ta_request, requester, *_ = closed_request()
    admin = UserFactory(role="admin")
    answer_survey(ta_request.reference, ANSWERS, actor=requester)
    before = current_version(POST_REQUEST).number  # 1, or 2 where the migration's seed remains
    drafts = [ItemDraft.of(i) for i in current_version(POST_REQUEST).items]
    drafts[2] = ItemDraft(
        "usefulness", "rating", "Usefulness", "How useful was it to your work?", "¿Qué tan útil?", (), True
    )
    drafts = [d for d in drafts if d.code != "timeliness"]
    version = publish_version(POST_REQUEST, drafts, note="Reworded", actor=admin)
    assert version.number == before + 1 and current_version(POST_REQUEST).id == version.id
    assert publish_version(POST_REQUEST, drafts, actor=admin) is None  # nothing changed: no version
    db_session.expire_all()
    old = survey_for(ta_request.id)
    assert old.version.number == before and old.value("timeliness") == 3
    assert [a.item.text_en for a in old.answers if a.item.code == "usefulness"] == ["How useful was it?"]
    other, requester2, *_ = closed_request()
    answer_survey(other.reference, {k: v for k, v in ANSWERS.items() if k != "timeliness"}, actor=requester2)
    new = survey_for(other.id)
    assert new.version.number == before + 1 and new.value("timeliness") is None
    events = db_session.scalars(
        select(AuditEvent.object_ref).where(AuditEvent.action == "settings_changed")
    ).all()
    assert events == [f"post_request v{before + 1}"]
    with pytest.raises(NotAllowed):
        publish_version(POST_REQUEST, drafts, actor=requester)


def test_the_survey_page_speaks_the_requesters_language(client, auth, db_session):
    ta_request, requester, *_ = closed_request()
    requester.locale = "es"
    db_session.commit()
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}/survey").get_data(as_text=True)
    assert "¿Cómo calificaría la calidad de la ayuda?" in page and "How would you rate" not in page


def emails(kind: str, db_session) -> list[EmailOutbox]:
    return db_session.scalars(
        select(EmailOutbox).where(EmailOutbox.kind == kind).order_by(EmailOutbox.id)
    ).all()


def test_follow_ups_go_out_at_30_and_90_days_once_each_then_remind_once_and_lapse(db_session):
    ta_request, requester, *_ = closed_request("2026-03-02 15:00")
    assert run_follow_ups(now=at("2026-03-31 15:00"))["sent"] == 0  # day 29
    assert run_follow_ups(now=at("2026-04-01 16:00"))["sent"] == 1  # day 30
    assert run_follow_ups(now=at("2026-04-01 16:00"))["sent"] == 0  # a second beat at the same time
    assert run_follow_ups(now=at("2026-04-02 16:00"))["sent"] == 0
    sent = emails("follow_up", db_session)
    assert len(sent) == 1 and f"/requests/{ta_request.reference}/follow-up/30" in sent[0].text_body
    assert sent[0].to_address == requester.email
    assert run_follow_ups(now=at("2026-04-15 17:00"))["reminded"] == 1  # 14 days later: one reminder
    assert run_follow_ups(now=at("2026-04-20 17:00"))["reminded"] == 0
    assert run_follow_ups(now=at("2026-04-29 17:00"))["lapsed"] == 1  # 14 more days: it lapses
    assert len(emails("follow_up_reminder", db_session)) == 1
    stats = run_follow_ups(now=at("2026-05-31 16:00"))  # day 90
    assert stats["sent"] == 1 and run_follow_ups(now=at("2026-06-01 16:00"))["sent"] == 0
    windows = db_session.execute(select(FollowUp.window_days, FollowUp.lapsed_at.is_not(None))).all()
    assert sorted(windows) == [(30, True), (90, False)]
    with pytest.raises(Conflict, match="closed"):
        answer_follow_up(ta_request.reference, 30, {"what_changed": ["policy"]}, actor=requester)


def test_help_closed_long_before_follow_ups_existed_gets_none(db_session):
    closed_request("2025-01-06 15:00")
    assert run_follow_ups(now=at("2026-04-01 16:00")) == {"sent": 0, "reminded": 0, "lapsed": 0}


def test_a_follow_up_email_speaks_spanish_to_a_spanish_speaking_requester(db_session):
    ta_request, requester, *_ = closed_request()
    requester.locale = "es"
    db_session.commit()
    run_follow_ups(now=at("2026-04-01 16:00"))
    (email,) = emails("follow_up", db_session)
    assert email.subject.startswith("¿Qué cambió") and "Responder al seguimiento" in email.text_body


def test_an_answered_follow_up_is_not_reminded_and_marks_objectives_met(db_session):
    ta_request, requester, staff, lead = request_in_progress(tier="intensive")
    goal = add_goal(ta_request.reference, "Adopt consultation standards", actor=staff)
    first = add_objective(ta_request.reference, goal.id, "Draft standards", target_date=None, actor=staff)
    second = add_objective(ta_request.reference, goal.id, "Train consultants", target_date=None, actor=staff)
    update_objective(ta_request.reference, second.id, "in_progress", note="Two sessions held", actor=staff)
    change_stage(ta_request.reference, "delivered", actor=staff, now=at("2026-03-04 15:00"))
    close_request(
        ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff, now=at("2026-03-04 15:00")
    )
    run_follow_ups(now=at("2026-04-04 16:00"))

    class Form(dict):
        def getlist(self, key):
            value = self.get(key, [])
            return value if isinstance(value, list) else [value]

    form = Form(
        {
            "item-what_changed": ["policy", "practice"],
            "item-evidence_link": "https://example.org/policy",
            "objective-met": [str(first.id)],
        }
    )
    submission, errors = answer_follow_up(
        ta_request.reference, 30, form, actor=requester, now=at("2026-04-05 10:00")
    )
    assert errors == {} and sorted(submission.value("what_changed")) == ["policy", "practice"]
    assert run_follow_ups(now=at("2026-04-25 16:00"))["reminded"] == 0
    statuses = {o.description: (o.status, o.evidence) for o in objectives_for(ta_request.id)}
    assert statuses == {
        "Draft standards": ("met", "https://example.org/policy"),
        "Train consultants": ("in_progress", ""),
    }
    history = db_session.scalars(select(ObjectiveChange.status).order_by(ObjectiveChange.id)).all()
    assert history == ["not_started", "not_started", "in_progress", "met"]
    with pytest.raises(Conflict, match="already answered"):
        answer_follow_up(ta_request.reference, 30, form, actor=requester)


def test_the_follow_up_page_refuses_a_bad_link_with_a_message(client, auth, db_session):
    ta_request, requester, *_ = closed_request()
    run_follow_ups(now=at("2026-04-01 16:00"))
    auth.login(requester)
    url = f"/requests/{ta_request.reference}/follow-up/30"
    assert "what have you put in place" in client.get(url).get_data(as_text=True)
    refused = auth.post(url, {"item-what_changed": "policy", "item-evidence_link": "javascript:alert(1)"})
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    assert auth.post(url, {"item-what_changed": "policy"}).status_code == 302
    assert (
        db_session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.answered_at.is_not(None)))
        == 1
    )
    assert client.get(f"/requests/{ta_request.reference}/follow-up/90").status_code == 404


def test_marking_an_objective_met_wants_evidence_and_only_its_workers_may(db_session):
    ta_request, requester, staff, lead = request_in_progress(tier="intensive")
    goal = add_goal(ta_request.reference, "Goal", actor=staff)
    objective = add_objective(ta_request.reference, goal.id, "Objective", target_date=None, actor=staff)
    with pytest.raises(Exception, match="progress note or evidence"):
        update_objective(ta_request.reference, objective.id, "met", actor=staff)
    db_session.rollback()
    with pytest.raises(NotAllowed):
        update_objective(ta_request.reference, objective.id, "met", note="x", actor=requester)
    update_objective(ta_request.reference, objective.id, "met", evidence="Policy signed", actor=lead)
    assert objectives_for(ta_request.id)[0].status == "met"


def test_the_migration_keeps_old_survey_answers_on_version_1_and_gives_them_back(db_session):
    from pathlib import Path

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    migrations = str(Path(__file__).resolve().parent.parent / "migrations")
    ta_request, requester, *_ = closed_request()
    ids = {"r": ta_request.id, "u": requester.id}
    db_session.commit()
    db_session.remove()
    downgrade(directory=migrations, revision="r20261130_identity_2fa_sso")
    try:
        with db_session.get_bind().begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO survey_response (ta_request_id, respondent_id, usefulness, timeliness,"
                    " goal_met, comment, submitted_at)"
                    " VALUES (:r, :u, 4, 2, 'partly', 'Useful guide', CURRENT_TIMESTAMP)"
                ),
                ids,
            )
    finally:
        upgrade(directory=migrations)
    old = survey_for(ids["r"])
    assert old.version.number == 1 and old.version.instrument.kind == "post_request"
    assert [old.value(c) for c in ("usefulness", "timeliness", "goal_met", "comment")] == [
        4,
        2,
        "partly",
        "Useful guide",
    ]
    assert [i.text_en for i in old.version.items][:2] == ["How useful was the help?", "How timely was it?"]
    assert current_version(POST_REQUEST).number == 2  # new answers take the new defaults
    db_session.remove()
    downgrade(directory=migrations, revision="r20261130_identity_2fa_sso")
    try:
        with db_session.get_bind().connect() as conn:
            back = conn.execute(
                text("SELECT usefulness, timeliness, goal_met, comment FROM survey_response")
            ).all()
    finally:
        upgrade(directory=migrations)
    assert [tuple(r) for r in back] == [(4, 2, "partly", "Useful guide")]


def test_samhsa_files_are_for_leadership_and_audited(client, auth, db_session):
    ta_request, requester, *_ = closed_request()
    answer_survey(ta_request.reference, ANSWERS, actor=requester, now=at("2026-03-03 10:00"))
    lead, leadership = UserFactory(role="lead"), UserFactory(role="leadership")
    auth.login(lead)
    assert client.get("/reports/outcomes/samhsa/post_request.csv?period=fy2026").status_code == 403
    assert "Survey items" in client.get("/reports/outcomes/?period=fy2026").get_data(as_text=True)
    auth.logout()
    auth.login(leadership)
    response = client.get("/reports/outcomes/samhsa/post_request.csv?period=fy2026")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    header, row = response.get_data(as_text=True).splitlines()[:2]
    assert header.startswith("RecordID,FormVersion,DateCompleted,Language,TATier,Quality")
    assert row.split(",")[5:12] == [
        "5",
        "4",
        "4",
        "3",
        "5",
        "1",
        "1",
    ] and requester.email not in response.get_data(as_text=True)
    exported = db_session.scalars(
        select(AuditEvent.object_type).where(AuditEvent.action == "records_exported")
    ).all()
    assert exported == ["samhsa_export"]
    assert client.get("/reports/outcomes/samhsa/nothing.csv").status_code == 404


def test_admins_set_the_follow_up_windows_and_the_sweep_follows_them(client, auth, db_session):
    admin = UserFactory(role="admin")
    auth.login(admin)
    data = {"name": "Center", "follow_up_remind_days": "7", "follow_up_lapse_days": "7"}
    refused = auth.post("/admin/center", data | {"follow_up_days": "30,abc"})
    assert refused.status_code == 400 and "separated by commas" in refused.get_data(as_text=True)
    assert auth.post("/admin/center", data | {"follow_up_days": "60, 15"}).status_code == 302
    auth.logout()
    closed_request("2026-03-02 15:00")
    assert run_follow_ups(now=at("2026-03-18 16:00"))["sent"] == 1  # day 16: the 15-day window
    assert run_follow_ups(now=at("2026-04-01 16:00"))["sent"] == 0  # no 30-day window any more
    assert run_follow_ups(now=at("2026-05-01 16:00"))["sent"] == 1  # day 60
