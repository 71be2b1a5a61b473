"""The history of a request reads in the reader's language: TA plan changes and edits of the
request are kept as data and put into words when shown, so a Spanish-speaking requester reads
them in Spanish (page and email) while staff read the same record in English."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tacenter.delivery.plans import add_goal, add_step, set_step_status
from tacenter.intake.editing import RequestEdit, edit_request
from tacenter.notifications.models import EmailOutbox
from tests.factories import RequesterFactory, request_in_progress


def _edited_intensive_request_with_a_plan():
    ta_request, requester, staff, lead = request_in_progress(
        requester=RequesterFactory(locale="es"), tier="intensive", urgency="routine"
    )
    edit_request(
        ta_request.reference,
        RequestEdit(
            title=ta_request.title,
            description="We need a billing guide for dyadic sessions, for two counties this year.",
            topic_ids=[t.id for t in ta_request.topics],
            tier=ta_request.tier,
            urgency="urgent",
            state=ta_request.state,
            preferred_mode=ta_request.preferred_mode,
            program_id=ta_request.program_id,
            needed_by=date(2027, 3, 5),
        ),
        actor=staff,
    )
    goal = add_goal(ta_request.reference, "Medicaid covers dyadic care", actor=staff)
    step = add_step(ta_request.reference, "Draft the guide", target_date=None, goal_id=goal.id, actor=staff)
    set_step_status(ta_request.reference, step.id, "done", actor=staff)
    return ta_request, requester, staff


def _timeline(client, ta_request) -> str:
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    return page[page.index('id="timeline"') :]


def test_a_spanish_requester_reads_plan_changes_and_edits_in_spanish(client, auth, db_session):
    ta_request, requester, staff = _edited_intensive_request_with_a_plan()
    auth.login(requester)
    page = _timeline(client, ta_request)
    assert f"{staff.name} agregó la meta «Medicaid covers dyadic care» al plan de asistencia técnica" in page
    assert f"{staff.name} planificó «Draft the guide» en el plan de asistencia técnica" in page
    assert f"{staff.name} marcó «Draft the guide» como hecha en el plan de asistencia técnica" in page
    assert "Descripción:" in page and "Urgencia: <del>De rutina</del> → <ins>Urgente</ins>" in page
    assert "Fecha en que la necesita: <del>Ninguno</del> → <ins>5 de marzo de 2027</ins>" in page
    for english in ("added the goal", "in the TA plan", "Description", "Routine", ">Urgent<", "Mar 5, 2027"):
        assert english not in page


def test_staff_read_the_same_history_in_english(client, auth, db_session):
    ta_request, _, staff = _edited_intensive_request_with_a_plan()
    auth.login(staff)
    page = _timeline(client, ta_request)
    assert f"{staff.name} added the goal “Medicaid covers dyadic care” to the TA plan" in page
    assert f"{staff.name} marked “Draft the guide” done in the TA plan" in page
    assert "Urgency: <del>Routine</del> → <ins>Urgent</ins>" in page
    assert "Needed by: <del>None</del> → <ins>Mar 5, 2027</ins>" in page


def test_the_request_edited_email_to_a_spanish_requester_names_the_fields_in_spanish(db_session):
    _edited_intensive_request_with_a_plan()
    email = db_session.scalar(select(EmailOutbox).where(EmailOutbox.kind == "request_edited"))
    assert "- Descripción: " in email.text_body and "- Urgencia: De rutina -> Urgente" in email.text_body
    assert "Urgencia: De rutina → <strong>Urgente</strong>" in email.html_body
    assert "Description" not in email.text_body and "Routine" not in email.text_body


def test_history_written_before_as_english_text_is_converted_both_ways(db_session):
    from pathlib import Path

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tacenter.delivery.models import PlanChange
    from tacenter.intake.models import RequestChange

    migrations = str(Path(__file__).resolve().parent.parent / "migrations")
    ta_request, _, staff, _ = request_in_progress(requester=RequesterFactory(locale="es"), tier="intensive")
    ids = {"r": ta_request.id, "a": staff.id}
    db_session.commit()
    db_session.remove()
    downgrade(directory=migrations, revision="0011_es_user_locale")
    try:
        with db_session.get_bind().begin() as conn:
            for action in ("added the goal “Fund dyads”", "marked “Draft the guide” in progress"):
                conn.execute(
                    text("INSERT INTO plan_change (ta_request_id, actor_id, action, created_at) "
                         "VALUES (:r, :a, :action, CURRENT_TIMESTAMP)"),
                    {**ids, "action": action},
                )  # fmt: skip
            conn.execute(
                text("INSERT INTO request_change (ta_request_id, actor_id, field, old_value, new_value, "
                     "created_at) VALUES (:r, :a, 'Needed by', 'None', 'Mar 5, 2027', CURRENT_TIMESTAMP)"),
                ids,
            )  # fmt: skip
    finally:
        upgrade(directory=migrations)
    plan = db_session.scalars(select(PlanChange).order_by(PlanChange.id)).all()
    assert [(p.action, p.detail, p.status) for p in plan] == [
        ("goal_added", "Fund dyads", None),
        ("step_status", "Draft the guide", "in_progress"),
    ]
    edit = db_session.scalar(select(RequestChange))
    assert (edit.field, edit.old_value, edit.new_value) == ("needed_by", "", "2027-03-05")
    db_session.remove()
    downgrade(directory=migrations, revision="0011_es_user_locale")
    try:
        with db_session.get_bind().connect() as conn:
            actions = conn.execute(text("SELECT action FROM plan_change ORDER BY id")).scalars().all()
            kept = conn.execute(text("SELECT field, old_value, new_value FROM request_change")).one()
    finally:
        upgrade(directory=migrations)
    assert actions == ["added the goal “Fund dyads”", "marked “Draft the guide” in progress"]
    assert tuple(kept) == ("Needed by", "None", "Mar 5, 2027")
