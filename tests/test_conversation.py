"""Replies, internal notes and questions to the requester (services, on SQLite and PostgreSQL)."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tacenter.conversation.markup import render
from tacenter.conversation.models import Message
from tacenter.conversation.services import add_note, ask_requester, post_reply
from tacenter.conversation.timeline import timeline
from tacenter.errors import DomainError, NotAllowed
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.models import StageChange
from tacenter.workflow.queries import QueueFilters, queue_query
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, request_in_progress, submit

NOTE_CANARY = "Canary-note-5521 budget concerns"


def _outbox(db_session):
    return list(db_session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)))


def test_staff_reply_reaches_the_requester_by_email_and_counts_as_a_response(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    before = len(_outbox(db_session))
    post_reply(ta_request.reference, "Here is the **billing guide** draft.", actor=staff)
    new = _outbox(db_session)[before:]
    assert [(m.kind, m.to_address) for m in new] == [("reply_posted", requester.email)]
    assert "billing guide" in new[0].text_body and "<strong>billing guide</strong>" in new[0].html_body
    assert ta_request.first_response_at is not None


def test_requester_reply_notifies_the_assignee(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    before = len(_outbox(db_session))
    post_reply(ta_request.reference, "Thanks, which codes apply?", actor=requester)
    assert [(m.kind, m.to_address) for m in _outbox(db_session)[before:]] == [
        ("requester_replied", staff.email)
    ]


def test_asking_the_requester_waits_and_their_answer_resumes_the_request(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    ask_requester(ta_request.reference, "Which counties take part?", actor=staff)
    assert ta_request.stage == "waiting_on_requester" and ta_request.waiting_since is not None
    question = db_session.scalar(select(Message).order_by(Message.id.desc()))
    assert question.kind == "reply" and question.body == "Which counties take part?"
    email = _outbox(db_session)[-1]
    assert email.to_address == requester.email and "Which counties take part?" in email.text_body
    post_reply(ta_request.reference, "Bernalillo and Santa Fe.", actor=requester)
    assert ta_request.stage == "in_progress" and ta_request.waiting_since is None
    last = db_session.scalar(select(StageChange).order_by(StageChange.id.desc()))
    assert (last.from_stage, last.to_stage, last.actor_id) == (
        "waiting_on_requester",
        "in_progress",
        requester.id,
    )


def test_asking_needs_a_question(db_session):
    ta_request, _, staff, _ = request_in_progress()
    with pytest.raises(DomainError, match="question"):
        ask_requester(ta_request.reference, "   ", actor=staff)
    assert ta_request.stage == "in_progress"


@pytest.mark.parametrize(
    "body, message", [("", "Write something"), ("   \n", "Write something"), ("x" * 20001, "too long")]
)
def test_empty_or_oversized_replies_are_refused_and_change_nothing(db_session, body, message):
    ta_request, _, staff, _ = request_in_progress()
    before = len(_outbox(db_session))
    with pytest.raises(DomainError, match=message):
        post_reply(ta_request.reference, body, actor=staff)
    db_session.rollback()
    assert db_session.scalar(select(Message)) is None and len(_outbox(db_session)) == before


def test_a_closed_request_takes_no_replies(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    with pytest.raises(DomainError, match="closed"):
        post_reply(ta_request.reference, "One more thing", actor=requester)


def test_leadership_reads_but_cannot_reply_or_note(db_session):
    ta_request, *_ = request_in_progress()
    boss = UserFactory(role="leadership")
    with pytest.raises(NotAllowed):
        post_reply(ta_request.reference, "Hello", actor=boss)
    with pytest.raises(NotAllowed):
        add_note(ta_request.reference, "Hello", actor=boss)


def test_requesters_cannot_write_internal_notes(db_session):
    ta_request, requester, *_ = request_in_progress()
    with pytest.raises(NotAllowed):
        add_note(ta_request.reference, "sneaky", actor=requester)


def test_internal_notes_never_reach_the_requester_anywhere(db_session, client, auth):
    ta_request, requester, staff, _ = request_in_progress()
    before = len(_outbox(db_session))
    add_note(ta_request.reference, NOTE_CANARY, actor=staff)
    # emails: a note sends none, and no email ever carries its words
    assert len(_outbox(db_session)) == before
    post_reply(ta_request.reference, "A visible reply", actor=staff)
    assert all(NOTE_CANARY not in m.text_body + m.html_body for m in _outbox(db_session))
    # timeline
    assert all(e.kind != "note" for e in timeline(ta_request, requester))
    assert any(e.kind == "note" for e in timeline(ta_request, staff))
    # search: the note's words find nothing, for anyone
    for actor in (requester, staff):
        found = db_session.scalars(queue_query(actor, QueueFilters(q="Canary-note-5521", stage="all"))).all()
        assert found == []
    # the page
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "A visible reply" in page and NOTE_CANARY not in page and "Internal note" not in page
    auth.logout()
    auth.login(staff)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert NOTE_CANARY in page and "Internal note" in page


def test_markdown_is_rendered_and_scripts_are_removed(db_session):
    ta_request, _, staff, _ = request_in_progress()
    message = post_reply(
        ta_request.reference,
        "[click](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)> *ok*",
        actor=staff,
    )
    assert "<em>ok</em>" in message.body_html
    for bad in ("javascript:", "<script", "onerror"):
        assert bad not in message.body_html.lower()


PAYLOAD_PARTS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "JaVaScRiPt:x",
        "java\nscript:x",
        "java&#x09;script:x",
        '<a href="javascript:x">a</a>',
        "[a](javascript:x)",
        "<img src=x onerror=alert(1)>",
        "<svg onload=x>",
        "<div onmouseover='x'>",
        "<iframe src=x>",
        ' onclick="x" ',
        "<scr<script>ipt>",
        "**b**",
        "[ok](https://x.org)",
        "<",
        ">",
        '"',
        "'",
        "=",
        "\n",
        " ",
        "`",
        "(",
        ")",
        "&lt;script&gt;",
    ]
)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(PAYLOAD_PARTS, st.text(max_size=8)), max_size=12).map("".join))
@example("<javascript:alert(1)@0>")  # Markdown's automatic mailto link (found by this test)
def test_sanitizer_never_emits_script_javascript_or_event_handlers(text):
    """Whatever is typed, the HTML has no <script>, no on*= attribute and no javascript: URL.
    (The words may remain as harmless text, escaped.)"""
    html = render(text)
    assert "<script" not in html.lower()
    parsed = _Collector()
    parsed.feed(html)
    assert "script" not in parsed.tags
    for name, value in parsed.attrs:
        assert not name.lower().startswith("on")
        squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
        assert "javascript:" not in squashed
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, re.IGNORECASE)


def test_a_reply_that_resumes_a_waiting_request_tells_the_assignee_once_and_the_replier_nothing(db_session):
    """Issue #12: the requester got "now in progress" right after their own reply."""
    ta_request, requester, staff, _ = request_in_progress()
    ask_requester(ta_request.reference, "Which counties take part?", actor=staff)
    before = len(_outbox(db_session))
    told_before = db_session.scalar(select(func.count()).where(Notification.user_id == requester.id))
    post_reply(ta_request.reference, "Bernalillo and Santa Fe.", actor=requester)
    assert ta_request.stage == "in_progress"
    new = _outbox(db_session)[before:]
    assert [(m.kind, m.to_address) for m in new] == [("requester_replied", staff.email)]
    assert "back in progress" in new[0].text_body
    assert db_session.scalar(select(func.count()).where(Notification.user_id == requester.id)) == told_before


def test_staff_are_not_told_of_their_own_stage_change_or_of_taking_a_request(db_session):
    """Nobody is emailed, or notified in the app, about their own action."""
    requester, lead = RequesterFactory(), UserFactory(role="lead")
    ta_request = submit(requester)
    told_before = db_session.scalar(select(func.count()).where(Notification.user_id == lead.id))
    assign_request(ta_request.reference, lead.id, actor=lead)  # the lead takes it
    change_stage(ta_request.reference, "in_progress", actor=lead)
    assert db_session.scalar(select(func.count()).where(Notification.user_id == lead.id)) == told_before
    emails = [(m.kind, m.to_address) for m in _outbox(db_session)]
    assert ("assigned", lead.email) not in emails and ("stage_changed", lead.email) not in emails
    assert emails.count(("stage_changed", requester.email)) == 2  # assigned, then in progress


def test_a_reply_notification_reads_who_replied_not_new_new_reply(db_session, auth, client):
    """Issue #12: the unread tag "New" before "New reply on ..." read "New New reply"."""
    ta_request, requester, staff, _ = request_in_progress()
    post_reply(ta_request.reference, "Here is the guide.", actor=staff)
    auth.login(requester)
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/notifications").get_data(as_text=True)).split())
    assert f"{staff.name} replied on {ta_request.reference}." in text
    assert "New New" not in text


def test_an_email_address_stays_a_mail_link_and_a_bogus_one_loses_its_link():
    assert 'href="mailto:ana@example.org"' in render("Write to <ana@example.org>.")
    bogus = render("<javascript:alert(1)@0>")
    assert "href" not in bogus and "javascript:alert(1)@0" in bogus  # the words stay, as text
