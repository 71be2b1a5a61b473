"""Replies by email (services and pages): what a received email becomes, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
import mailbox
from pathlib import Path

from sqlalchemy import func, select

from tacenter.conversation.models import Message
from tacenter.conversation.services import ask_requester
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.mailin import tokens
from tacenter.mailin.fetch import fetch_mail
from tacenter.mailin.models import InboundMessage
from tacenter.mailin.services import receive_mail
from tacenter.notifications.models import EmailOutbox
from tacenter.notifications.services import deliver_email
from tacenter.workflow.services import change_stage, close_request
from tests import mail_samples as samples
from tests.factories import RequesterFactory, UserFactory, request_in_progress


def waiting_request():
    """A request on hold for its requester after the assignee's question."""
    ta_request, requester, staff, lead = request_in_progress()
    ask_requester(ta_request.reference, "How many families does your program serve?", actor=staff)
    return ta_request, requester, staff, lead


def replies(ta_request) -> list[Message]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Message).where(Message.ta_request_id == ta_request.id).order_by(Message.id))
    )


def outbox_kinds() -> list[tuple[str, str]]:
    return [(r.kind, r.to_address) for r in db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id))]


def test_gmail_reply_resumes_the_request_with_only_the_new_text(db_session):
    ta_request, requester, staff, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    record = receive_mail(samples.gmail_reply(sender=requester.email, to=address))
    assert record.status == "placed"
    last = replies(ta_request)[-1]
    assert (last.author_id, last.kind) == (requester.id, "reply")
    assert last.body == "Yes: we serve 40 families in two counties."  # no quote, no signature
    db.session.refresh(ta_request)
    assert ta_request.stage == "in_progress"
    assert ("requester_replied", staff.email) in outbox_kinds()  # the other side is told


def test_outlook_reply_in_windows_1252_keeps_its_characters_and_drops_the_logo(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    receive_mail(samples.outlook_reply(sender=requester.email, to=address))
    last = replies(ta_request)[-1]
    assert last.body.startswith("We\u2019ll send the agenda \u2013 our \u201chome visiting\u201d team")
    assert "From: TA Center" not in last.body and "We have a question" not in last.body
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0  # the signature logo


def test_apple_mail_reply_attaches_its_files_through_the_upload_checks(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    receive_mail(samples.apple_reply(sender=requester.email, to=address))
    last = replies(ta_request)[-1]
    assert last.body == "Sí, gracias. The niños' program starts in March; the agenda is attached."
    names = set(db_session.scalars(select(Attachment.filename).where(Attachment.message_id == last.id)))
    assert names == {"agenda.pdf", "IMG_0042.png"}  # the pasted photo is content, not a logo


def test_an_attachment_we_refuse_is_named_in_the_reply_and_not_stored(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    page = ("page.html", "text/html", b"<html><script>alert(1)</script></html>")
    receive_mail(samples.apple_reply(sender=requester.email, to=address, attachment=page))
    last = replies(ta_request)[-1]
    assert "Not attached: page.html" in last.body
    names = set(db_session.scalars(select(Attachment.filename)))
    assert "page.html" not in names


def test_the_same_message_delivered_twice_lands_once(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    raw = samples.gmail_reply(sender=requester.email, to=address)
    headless = samples.plain(sender=requester.email, to=address, body="No Message-ID here.", message_id=None)
    before = len(replies(ta_request))
    for message in (raw, raw, headless, headless):
        receive_mail(message)
    assert len(replies(ta_request)) == before + 2
    assert db_session.scalar(select(func.count()).select_from(InboundMessage)) == 2


def test_a_sender_other_than_the_tokens_person_goes_to_mail_to_sort(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    before = len(replies(ta_request))
    record = receive_mail(samples.gmail_reply(sender="someone.else@example.net", to=address))
    assert record.status == "to_sort" and "someone.else@example.net" in record.reason
    assert len(replies(ta_request)) == before


def test_a_forged_or_altered_reply_address_goes_to_mail_to_sort(db_session):
    ta_request, requester, _, _ = waiting_request()
    good = tokens.reply_address(ta_request.id, requester.id)
    other = RequesterFactory()
    forged = good.replace(f"r{ta_request.id}.{requester.id}.", f"r{ta_request.id}.{other.id}.")
    record = receive_mail(samples.gmail_reply(sender=other.email, to=forged))
    assert record.status == "to_sort" and "not one we gave out" in record.reason


def test_auto_replies_and_bounces_are_recorded_and_never_answered(db_session):
    ta_request, requester, _, _ = waiting_request()
    address = tokens.reply_address(ta_request.id, requester.id)
    before_outbox, before = len(outbox_kinds()), len(replies(ta_request))
    ooo = receive_mail(samples.out_of_office(sender=requester.email, to=address))
    bounced = receive_mail(samples.bounce(to="ta@center.example", original_to=requester.email))
    listed = receive_mail(
        samples.plain(sender="news@list.example", to="ta@center.example", headers="Precedence: bulk\n")
    )
    assert [ooo.status, bounced.status, listed.status] == ["ignored"] * 3
    assert len(outbox_kinds()) == before_outbox and len(replies(ta_request)) == before


def test_our_own_emails_say_they_are_automatic_and_carry_the_reply_address(db_session, smtp_sink, app):
    ta_request, requester, _, _ = waiting_request()
    row = db_session.scalars(select(EmailOutbox).where(EmailOutbox.to_address == requester.email)).all()[-1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    try:
        assert deliver_email(row.id) == "sent"
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)
    sent = smtp_sink.messages[-1]
    assert sent["Auto-Submitted"] == "auto-generated"
    assert "You can also answer by replying to this email." in sent.get_body(("plain",)).get_content()
    token = tokens.read_token(sent["Reply-To"])
    assert (token.ta_request_id, token.user_id, token.kind) == (ta_request.id, requester.id, "reply")


def test_staff_reply_by_email_is_a_reply_and_a_note_address_makes_a_note(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    receive_mail(
        samples.plain(
            sender=staff.email,
            to=tokens.reply_address(ta_request.id, staff.id),
            body="The billing guide is ready.",
        )
    )
    note_to = tokens.reply_address(ta_request.id, staff.id, kind="note")
    receive_mail(samples.plain(sender=staff.email, to=note_to, body="Budget concerns: ask the lead."))
    kinds = [(m.kind, m.body) for m in replies(ta_request)[-2:]]
    assert kinds == [("reply", "The billing guide is ready."), ("note", "Budget concerns: ask the lead.")]
    assert ("reply_posted", requester.email) in outbox_kinds()


def test_a_requester_cannot_make_a_note_with_a_note_address(db_session):
    ta_request, requester, _, _ = request_in_progress()
    note_to = tokens.reply_address(ta_request.id, requester.id, kind="note")
    receive_mail(samples.plain(sender=requester.email, to=note_to, body="Just a reply."))
    assert replies(ta_request)[-1].kind == "reply"


def test_html_only_mail_is_sanitised_like_a_typed_reply(db_session):
    ta_request, requester, _, _ = request_in_progress()
    html = (
        '<html><body><p>See <a href="javascript:alert(1)">this</a></p>'
        '<script>alert("x")</script><img src=x onerror=alert(2)><p>Thanks</p></body></html>'
    )
    raw = samples.plain(sender=requester.email, to=tokens.reply_address(ta_request.id, requester.id),
                        body=html).replace(b"text/plain", b"text/html")  # fmt: skip
    receive_mail(raw)
    last = replies(ta_request)[-1]
    assert "Thanks" in last.body_html
    for bad in ("<script", "javascript:", "onerror", "alert(2)"):
        assert bad not in last.body_html


def test_a_reply_to_a_closed_request_goes_to_mail_to_sort(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Guide adopted", actor=staff)
    record = receive_mail(
        samples.plain(sender=requester.email, to=tokens.reply_address(ta_request.id, requester.id))
    )
    assert record.status == "to_sort" and "takes no new replies" in record.reason


def test_a_known_requesters_new_mail_becomes_a_draft_they_complete(db_session, auth, client):
    requester = RequesterFactory()
    record = receive_mail(
        samples.plain(
            sender=requester.email.upper(),
            to="TA@center.example",
            subject="Fwd: Help with DC:0-5 training",
            body="We would like training on DC:0-5 for 12 clinicians.",
        )
    )
    assert record.status == "draft"
    (draft_mail,) = db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "mail_draft"))
    assert draft_mail.to_address == requester.email
    link = f"/requests/new?from_mail={record.id}"
    assert link in draft_mail.text_body
    auth.login(requester)
    page = client.get(link).get_data(as_text=True)
    assert 'value="Help with DC:0-5 training"' in page and "for 12 clinicians." in page
    other = RequesterFactory()
    auth.logout()
    auth.login(other)
    assert "12 clinicians" not in client.get(link).get_data(as_text=True)  # only its author's


def test_an_unknown_address_is_answered_with_the_link_to_register(db_session):
    record = receive_mail(samples.plain(sender="new.person@county.example", to="ta@center.example"))
    assert record.status == "answered"
    (answer,) = db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "mail_unknown_sender"))
    assert answer.to_address == "new.person@county.example" and "/register" in answer.text_body


def test_a_sender_over_the_hourly_limit_is_kept_unanswered(db_session, app):
    app.config["MAIL_IN_SENDER_LIMIT_PER_HOUR"] = 3
    try:
        statuses = [
            receive_mail(samples.plain(sender="flood@spam.example", to="ta@center.example")).status
            for _ in range(5)
        ]
    finally:
        app.config["MAIL_IN_SENDER_LIMIT_PER_HOUR"] = 30
    assert statuses == ["answered"] * 3 + ["to_sort"] * 2
    assert len([k for k, _ in outbox_kinds() if k == "mail_unknown_sender"]) == 3


def test_a_message_that_cannot_be_read_is_kept_for_the_leads(db_session, monkeypatch):
    from tacenter.mailin import parse

    def broken(raw):
        raise ValueError("parser bug")

    monkeypatch.setattr(parse, "parse", broken)
    record = receive_mail(b"From: x@y.example\r\n\r\nhello")
    assert record.status == "to_sort" and "hello" in record.body


def test_leads_see_mail_to_sort_and_mark_it_sorted(db_session, auth, client):
    lead, requester = UserFactory(role="lead"), RequesterFactory()
    receive_mail(samples.gmail_reply(sender="stranger@example.net", to=tokens.reply_address(1, requester.id)))
    record = db_session.scalar(select(InboundMessage))
    auth.login(requester)
    assert client.get("/mail-to-sort").status_code == 403
    auth.logout()
    auth.login(lead)
    page = client.get("/mail-to-sort").get_data(as_text=True)
    assert "stranger@example.net" in page and "Yes: we serve 40 families" in page
    response = auth.post(f"/mail-to-sort/{record.id}/sorted", {}, form_page="/mail-to-sort")
    assert response.status_code == 302
    assert "No mail to sort." in client.get("/mail-to-sort").get_data(as_text=True)
    assert auth.post(f"/mail-to-sort/{record.id}/sorted", {}, form_page="/mail-to-sort").status_code == 404


def test_dev_mail_reply_as_the_recipient_lands_on_the_request(db_session, auth, client, app, tmp_path):
    saved = {k: app.config[k] for k in ("MAIL_SINK_DIR", "MAIL_IN_MAILDIR")}
    app.config.update(MAIL_SINK_DIR=str(tmp_path / "sink"), MAIL_IN_MAILDIR=str(tmp_path / "in"))
    try:
        ta_request, requester, staff, _ = waiting_request()
        admin = UserFactory(role="admin")
        for row in db_session.scalars(select(EmailOutbox)).all():
            deliver_email(row.id)
        auth.login(admin)
        page = client.get("/dev/mail").get_data(as_text=True)
        assert "Reply as the recipient" in page
        sink = mailbox.Maildir(tmp_path / "sink", create=False)
        key = next(
            k
            for k in sink.iterkeys()
            if email.message_from_bytes(sink.get_bytes(k), policy=email.policy.default)["To"]
            == requester.email
            and "waiting" in sink.get_message(k)["Subject"].lower()
        )
        response = auth.post(f"/dev/mail/{key}/reply", {"body": "Forty families."}, form_page="/dev/mail")
        assert response.status_code == 302
        assert fetch_mail() == {"placed": 1}
        assert replies(ta_request)[-1].body == "Forty families."
        db.session.refresh(ta_request)
        assert ta_request.stage == "in_progress"
        assert list(mailbox.Maildir(Path(tmp_path / "in"), create=False).iterkeys()) == []
    finally:
        app.config.update(saved)


def test_staff_see_their_note_address_on_the_request_page_and_requesters_do_not(db_session, auth, client):
    ta_request, requester, staff, _ = request_in_progress()
    note_to = tokens.reply_address(ta_request.id, staff.id, kind="note")
    auth.login(staff)
    assert note_to in client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    auth.logout()
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert note_to not in page and "+n" not in page


def test_a_reply_address_survives_case_folding_and_refuses_any_altered_character(app):
    address = tokens.reply_address(12, 34)
    assert len(address.partition("@")[0]) <= 64
    assert tokens.read_token(address.upper()) == tokens.AddressToken("reply", 12, 34)
    local, _, domain = address.partition("@")
    for i in range(len("ta+"), len(local)):
        altered = local[:i] + ("b" if local[i] != "b" else "c") + local[i + 1 :]
        assert tokens.read_token(f"{altered}@{domain}") is None, altered
