"""Forgot password (an emailed one-time link) and changing one's own password."""

import re

from freezegun import freeze_time
from sqlalchemy import func, select

from tacenter.accounts.models import LoginSession
from tacenter.audit.models import AuditEvent
from tacenter.audit.services import Action
from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tests.conftest import Auth
from tests.factories import PASSWORD, RequesterFactory, UserFactory

NEW_PASSWORD = "quilted marmalade lighthouse 42"
SAME_ANSWER = "If an account exists for that email address"


def _ask(auth: Auth, email: str):
    return auth.post("/password/forgot", {"email": email}, follow_redirects=True)


def _link_in(row: EmailOutbox) -> str:
    return re.search(r"/password/reset/[\w-]+", row.text_body).group(0)


def _emails() -> list[EmailOutbox]:
    return db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)).all()


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _reset(auth: Auth, link: str, password: str = NEW_PASSWORD, **kwargs):
    return auth.post(link, {"password": password, "confirm": password}, **kwargs)


def test_unknown_and_known_emails_get_the_same_answer_and_only_the_account_gets_a_link(client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    unknown = _ask(auth, "nobody@cyfd.example")
    known = _ask(auth, "ROSA@cyfd.example ")
    assert unknown.status_code == known.status_code == 200
    assert SAME_ANSWER in unknown.get_data(as_text=True) and SAME_ANSWER in known.get_data(as_text=True)
    [email] = _emails()
    assert email.to_address == user.email and email.recipient_id == user.id
    assert "/password/reset/" in email.html_body


def test_the_sign_in_page_links_to_forgot_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_deactivated_account_gets_the_same_answer_and_no_link(client, auth):
    RequesterFactory(email="gone@cyfd.example", active=False)
    assert SAME_ANSWER in _ask(auth, "gone@cyfd.example").get_data(as_text=True)
    assert _emails() == []


def test_the_reset_email_is_in_the_account_holders_language(client, auth):
    RequesterFactory(email="rosa@cyfd.example", locale="es")
    _ask(auth, "rosa@cyfd.example")
    [email] = _emails()
    assert "contraseña" in email.subject and "60 minutos" in email.text_body


def test_a_reset_link_works_once_and_the_new_password_signs_in(app, client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    _ask(auth, user.email)
    link = _link_in(_emails()[0])
    assert client.get(link).status_code == 200
    done = _reset(auth, link, follow_redirects=True)
    assert "Your new password is set" in done.get_data(as_text=True)
    again = app.test_client()
    assert again.get(link).status_code == 404
    assert "not valid" in again.get(link).get_data(as_text=True)
    assert Auth(app.test_client()).login(user, password=NEW_PASSWORD).status_code == 302
    refused = Auth(app.test_client()).post("/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert _events(Action.PASSWORD_RESET) == 1


def test_a_reset_link_expires_after_the_setting(app, client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    with freeze_time("2026-03-02 09:00:00") as clock:
        _ask(auth, user.email)
        link = _link_in(_emails()[0])
        clock.tick(app.config["PASSWORD_RESET_MINUTES"] * 60 - 5)
        assert client.get(link).status_code == 200
        clock.tick(10)
        assert client.get(link).status_code == 404
        assert _reset(auth, link, form_page="/password/forgot").status_code == 404
    assert _events(Action.PASSWORD_RESET) == 0


def test_unknown_and_malformed_reset_links_answer_not_found(client):
    assert client.get("/password/reset/no-such-token").status_code == 404
    for token in ("x" * 5000, "%00", "..%2F..%2Fetc", "%ff%fe"):
        assert client.get(f"/password/reset/{token}").status_code in (400, 404)


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    _ask(auth, user.email)
    link = _link_in(_emails()[0])
    weak = _reset(auth, link, password="password1")
    assert weak.status_code == 200 and "harder to guess" in weak.get_data(as_text=True)
    assert _reset(auth, link).status_code == 302
    assert _events(Action.PASSWORD_RESET) == 1


def test_a_reset_signs_out_every_other_browser(app, client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    laptop = Auth(app.test_client())
    laptop.login(user)
    assert laptop.client.get("/requests").status_code == 200
    _ask(auth, user.email)
    _reset(auth, _link_in(_emails()[0]))
    assert laptop.client.get("/requests").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_newer_reset_makes_older_links_useless(client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    _ask(auth, user.email)
    _ask(auth, user.email)
    first, second = (_link_in(e) for e in _emails())
    _reset(auth, second)
    assert client.get(first).status_code == 404


def test_asking_for_links_is_throttled_per_address(app, client, auth):
    RequesterFactory(email="rosa@cyfd.example")
    limit = int(app.config["PASSWORD_RESET_LIMIT"].split()[0])
    answers = [_ask(auth, "rosa@cyfd.example").status_code for _ in range(limit + 1)]
    assert answers[:limit] == [200] * limit and answers[-1] == 429
    assert len(_emails()) == limit
    assert _ask(auth, "someone.else@cyfd.example").status_code == 200  # another address still may


def test_changing_a_password_needs_the_current_one(client, auth):
    user = UserFactory(role="staff")
    auth.login(user)
    wrong = auth.post(
        "/account/password", {"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert wrong.status_code == 200 and "current password is not correct" in wrong.get_data(as_text=True)
    assert _events(Action.PASSWORD_CHANGED) == 0
    right = auth.post(
        "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert right.status_code == 302
    assert _events(Action.PASSWORD_CHANGED) == 1


def test_changing_a_password_ends_other_sessions_and_keeps_this_one(app, client, auth):
    user = RequesterFactory()
    phone = Auth(app.test_client())
    phone.login(user)
    auth.login(user)
    assert 'href="/account/password"' in client.get("/account/sessions").get_data(as_text=True)
    auth.post("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/requests").status_code == 200
    assert phone.client.get("/requests").status_code == 302
    assert Auth(app.test_client()).login(user, password=NEW_PASSWORD).status_code == 302


def test_changing_refuses_a_guessable_new_password(client, auth):
    user = RequesterFactory()
    auth.login(user)
    weak = auth.post(
        "/account/password", {"current": PASSWORD, "password": "password1", "confirm": "password1"}
    )
    assert weak.status_code == 200 and "harder to guess" in weak.get_data(as_text=True)
    assert _events(Action.PASSWORD_CHANGED) == 0


def test_resetting_while_signed_in_signs_this_browser_out_too(client, auth):
    user = RequesterFactory(email="rosa@cyfd.example")
    auth.login(user)
    _ask(auth, user.email)
    done = _reset(auth, _link_in(_emails()[0]), follow_redirects=True)
    assert "Your new password is set" in done.get_data(as_text=True)
    assert client.get("/requests").status_code == 302
