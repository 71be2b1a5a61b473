"""Choosing a language, and what follows it: pages, form errors, dates, emails, notifications
and the Spanish labels of topics and programs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tacenter.notifications.models import EmailOutbox, Notification
from tests.conftest import csrf_token
from tests.factories import ProgramFactory, RequesterFactory, TopicFactory, UserFactory, request_in_progress


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def _switch(client, locale: str, next_path: str = "/login"):
    token = csrf_token(client, next_path)
    return client.post("/language", data={"locale": locale, "next": next_path, "csrf_token": token})


def _emails_to(db_session, user) -> list[EmailOutbox]:
    return list(db_session.scalars(select(EmailOutbox).where(EmailOutbox.to_address == user.email)))


def test_switch_before_sign_in_keeps_spanish_and_the_account_takes_it_at_sign_in(client, auth, db_session):
    assert _lang(client.get("/login")) == "en"
    response = _switch(client, "es")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login")
    assert _lang(page) == "es" and "Iniciar sesión" in page.get_data(as_text=True)
    requester = RequesterFactory()
    auth.login(requester)
    db_session.refresh(requester)
    assert requester.locale == "es"
    assert "Nuestras solicitudes" in client.get("/").get_data(as_text=True)


def test_switch_after_sign_in_is_stored_on_the_user_and_outlives_the_session(client, auth, db_session):
    requester = RequesterFactory(locale="en")
    auth.login(requester)
    _switch(client, "es", "/requests")
    db_session.refresh(requester)
    assert requester.locale == "es"
    auth.logout()
    assert _lang(client.get("/login")) == "es"  # signing out does not switch back


def test_switch_refuses_an_unknown_language_and_a_missing_csrf_token(client):
    token = csrf_token(client, "/login")
    assert client.post("/language", data={"locale": "xx", "csrf_token": token}).status_code == 400
    assert client.post("/language", data={"locale": "es"}).status_code == 400
    assert _lang(client.get("/login")) == "en"


def test_switch_never_sends_the_reader_off_the_site(client):
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"locale": "es", "next": "//evil.example/", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_the_browser_language_chooses_before_sign_in_and_the_account_after(client, auth):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-PR,es;q=0.9,en;q=0.5"
    assert _lang(client.get("/register")) == "es"
    auth.login(RequesterFactory(locale="en"))
    assert _lang(client.get("/")) == "en"


def test_wtforms_own_messages_and_ours_read_in_spanish(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    token = csrf_token(client, "/register")
    html = client.post("/register", data={"csrf_token": token, "email": "x"}).get_data(as_text=True)
    assert "Este campo es obligatorio." in html  # WTForms' DataRequired, from its Spanish catalog
    assert "Elija un estado o territorio." in html  # ours


def test_wtforms_messages_are_read_once_per_language_not_per_request(client, monkeypatch):
    from babel import support

    loads = []
    real = support.Translations.load
    monkeypatch.setattr(support.Translations, "load", lambda *a, **k: loads.append((a, k)) or real(*a, **k))
    for language, message in [("es", "Este campo es obligatorio."), ("en", "This field is required.")] * 2:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        token = csrf_token(client, "/register")
        html = client.post("/register", data={"csrf_token": token, "email": "x"}).get_data(as_text=True)
        assert message in html
    assert len([a for a in loads if "wtforms" in str(a)]) <= 2  # at most once per language


def test_dates_and_times_are_written_per_language(app):
    from flask_babel import force_locale

    from tacenter.i18n import format_day, format_when

    moment = datetime(2026, 11, 29, 15, 4, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("es"):
            assert format_day(moment.date()) == "29 de noviembre de 2026"
            assert format_when(moment).startswith("29 de noviembre de 2026, 10:04")
        with force_locale("en"):
            assert format_when(moment) == "Nov 29, 2026 10:04 AM EST"


def test_dates_and_times_kept_per_process_read_as_babel_writes_them(app):
    """format_day and format_when keep their parts per process: the same text as Babel's whole
    patterns, across a year of times (both sides of daylight saving time) in both languages."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time
    from flask_babel import force_locale

    from tacenter.i18n import format_day, format_when

    zone = ZoneInfo(app.config["CENTER_TIMEZONE"])
    patterns = {"en": ("MMM d, y", "h:mm a zzz", " "), "es": ("long", "h:mm a (vvvv)", ", ")}
    with app.test_request_context():
        for language, (day_pattern, time_pattern, joint) in patterns.items():
            with force_locale(language):
                for n in range(0, 365 * 24, 37):  # every 37 hours: all hours, minutes vary
                    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n, minutes=n % 60)
                    local = moment.astimezone(zone)
                    day = format_date(local.date(), day_pattern, locale=language)
                    assert format_day(local.date()) == day
                    clock = format_time(local, time_pattern, locale=language)
                    assert format_when(moment) == day + joint + clock


def test_each_language_is_one_locale_for_the_process(app):
    """Per-language keys (catalogs, dates, kept markup) are found by identity: every request in
    a language gets the same Locale, as Flask-Babel would otherwise parse a new one each time."""
    from babel import Locale

    from tacenter.i18n import select_locale  # Flask-Babel's locale selector

    seen = []
    for language in ("en", "es", "en", "es"):
        with app.test_request_context(headers={"Accept-Language": language}):
            seen.append(select_locale())
    assert [str(locale) for locale in seen] == ["en", "es", "en", "es"]
    assert seen[0] is seen[2] and seen[1] is seen[3]
    assert all(Locale.parse(locale) is locale for locale in seen)  # what Flask-Babel does with it


def test_templates_gettext_formats_as_jinja_does(app):
    """`_()` in a template skips formatting a text with no "%" and no variables: a "%%" is still
    written "%", a variable still escaped, and a plain label is still safe markup."""
    from flask import render_template_string

    with app.test_request_context():
        page = render_template_string(
            '{{ _("Done: 100%%") }}|{{ _("Hello %(name)s", name="<b>") }}|{{ _("Plain") }}|'
            "{% trans %}Half: 50%{% endtrans %}"
        )
    assert page == "Done: 100%|Hello &lt;b&gt;|Plain|Half: 50%"


def test_a_page_in_one_language_renders_an_email_in_another_and_goes_on_in_its_own(app):
    """The short way to the catalogs (tacenter.i18n.translations) follows force_locale both ways."""
    from flask import render_template_string
    from flask_babel import force_locale

    from tacenter.i18n import gettext, lazy_gettext

    label = lazy_gettext("Sign out")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Sign out') }}") == "Sign out" == str(label)
        with force_locale("es"):
            assert render_template_string("{{ _('Sign out') }}") == gettext("Sign out") == "Cerrar sesión"
            assert str(label) == "Cerrar sesión"
        assert render_template_string("{{ _('Sign out') }}") == gettext("Sign out") == "Sign out"


def test_emails_and_notifications_follow_the_recipient_not_the_sender(db_session):
    from tacenter.conversation.services import post_reply

    ta_request, requester, staff, _ = request_in_progress(requester=RequesterFactory(locale="es"))
    post_reply(ta_request.reference, "Adjunto el modelo.", actor=staff)  # staff's pages are English
    [email] = [e for e in _emails_to(db_session, requester) if e.kind == "reply_posted"]
    assert email.subject == f"Nueva respuesta en {ta_request.reference}"
    assert "Hola, " in email.text_body and 'lang="es"' in email.html_body
    message = db_session.scalar(select(Notification.message).where(Notification.kind == "reply_posted"))
    assert message == f"{staff.name} respondió en {ta_request.reference}."
    post_reply(ta_request.reference, "Gracias.", actor=requester)
    [to_staff] = [e for e in _emails_to(db_session, staff) if e.kind == "requester_replied"]
    assert to_staff.subject.isascii() and "replied" in to_staff.text_body


def test_stage_changes_reach_each_recipient_in_their_language(db_session):
    from tacenter.workflow.services import change_stage

    ta_request, requester, staff, _ = request_in_progress(requester=RequesterFactory(locale="es"))
    change_stage(ta_request.reference, "waiting_on_requester", actor=staff, note="¿Cuántas familias?")
    [email] = [e for e in _emails_to(db_session, requester) if "espera" in e.subject]
    assert email.subject.endswith("ahora está: en espera de la persona solicitante")
    assert "Su solicitud" in email.text_body and "En espera de la persona solicitante" in email.text_body


def test_an_invitation_in_spanish_is_emailed_shown_and_kept_in_spanish(client, db_session):
    from tacenter.invitations.services import invite_user
    from tests.factories import OrganizationFactory

    lead = UserFactory(role="lead")
    _, token = invite_user(
        "ana@salud.example", "requester", actor=lead, organization_id=OrganizationFactory().id, locale="es"
    )
    [email] = db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "invitation"))
    assert email.subject == "Tiene una invitación al Centro de Asistencia Técnica IECMH"
    assert "con el rol de Solicitante" in email.text_body
    page = client.get(f"/invitations/{token}")
    assert _lang(page) == "es" and "Cree su cuenta" in page.get_data(as_text=True)
    form = {"name": "Ana Ruiz", "password": "un jardín de colibríes", "confirm": "un jardín de colibríes"}
    client.post(
        f"/invitations/{token}", data={**form, "csrf_token": csrf_token(client, f"/invitations/{token}")}
    )
    from tacenter.accounts.services import find_user_by_email

    assert find_user_by_email("ana@salud.example").locale == "es"


def test_a_label_without_spanish_falls_back_to_english_and_is_listed_as_a_gap(client, auth):
    TopicFactory(name="Home visiting", name_es="Visitas domiciliarias")
    TopicFactory(name="Trauma-informed care")
    ProgramFactory(name="Project LAUNCH", name_es="Proyecto LAUNCH")
    auth.login(RequesterFactory(locale="es"))
    form = client.get("/requests/new").get_data(as_text=True)
    assert "Visitas domiciliarias" in form and "Trauma-informed care" in form and "Proyecto LAUNCH" in form
    auth.logout()
    auth.login(UserFactory(role="admin"))
    gaps = client.get("/admin/translations").get_data(as_text=True)
    assert "Trauma-informed care" in gaps and "Home visiting" not in gaps and "Project LAUNCH" not in gaps


def test_an_admin_gives_a_topic_its_spanish_name(client, auth, db_session):
    topic = TopicFactory(name="Home visiting")
    auth.login(UserFactory(role="admin"))
    auth.post(
        f"/admin/topics/{topic.id}",
        {"name": "Home visiting", "name_es": "Visitas domiciliarias", "active": "y"},
    )
    db_session.refresh(topic)
    assert topic.name_es == "Visitas domiciliarias"
    after_flash = client.get("/admin/translations").get_data(as_text=True).split("<h1>", 1)[1]
    assert "Home visiting" not in after_flash


def test_the_preferences_page_sets_the_language(client, auth, db_session):
    requester = RequesterFactory()
    auth.login(requester)
    response = auth.post("/notifications/settings", {"locale": "es", "email_mode": "immediately"})
    assert response.status_code == 302
    db_session.refresh(requester)
    assert requester.locale == "es"
    assert "Guardamos sus preferencias." in client.get("/notifications/settings").get_data(as_text=True)
