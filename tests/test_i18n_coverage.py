"""The requester side speaks Spanish: every page a requester or a visitor can reach, every email
a requester or an invitee receives, and every message marked for translation.

Pages come from the URL map (tests/routes.py): a new GET route a requester or a visitor may
open is walked here as soon as it declares its access rule, so a later page with English-only
strings fails this test. A new email template must be listed below as requester-facing (checked
in Spanish) or staff-only.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import csrf_token
from tests.i18n_text import catalog, english_left, english_phrases, extracted_messages, read_page
from tests.routes import OWN, build_world, object_cases, routes, url_for_case

EMAILS = Path(__file__).resolve().parent.parent / "templates" / "email"
REQUESTER_EMAILS = {
    "account_inactive",
    "mail_draft",
    # To an address with no account: the default language (nobody chose one).
    "mail_unknown_sender",
    "request_edited",
    "request_received",
    "stage_changed",
    "reply_posted",
    "survey_requested",
    "follow_up",
    "follow_up_reminder",
    "event_follow_up",
    "event_follow_up_reminder",
    "reminder",
    "daily_digest",
    "invitation",
    "password_reset",
}
# Deliberately English: they go to TA staff, leads and leadership (docs/features.md, "Languages").
STAFF_EMAILS = {
    "assigned",
    "reassigned",
    "new_request",
    "requester_replied",
    "routing_report",
    "weekly_summary",
    "funder_report_ready",
}


def test_every_marked_message_has_a_reviewed_spanish_translation():
    spanish = catalog("es")
    translated = {
        m.id for m in spanish if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    fuzzy = sorted(str(m.id) for m in spanish if m.id and m.fuzzy)
    missing = sorted(str(m) for m in extracted_messages() - translated)
    assert not missing, f"marked but not in the Spanish catalog (run make translations-update): {missing}"
    assert not fuzzy, f"fuzzy (unreviewed) Spanish translations: {fuzzy}"
    problems = [(str(m.id), [str(e) for e in errors]) for m, errors in spanish.check() if errors]
    assert not problems, f"placeholders that differ between English and Spanish: {problems}"


def _data_of(world) -> set[str]:
    """What the center's people typed, and the names of states and territories (kept in their
    official English form: docs/features.md, "Languages"): the same in both renderings, and not English
    text of ours."""
    from tacenter.accounts.models import Organization, User
    from tacenter.api.models import ApiToken
    from tacenter.catalog.models import GrantProgram, Topic
    from tacenter.conversation.models import Message
    from tacenter.extensions import db
    from tacenter.files.models import Attachment
    from tacenter.group_ta.models import Collaborative, Event, EventMaterial
    from tacenter.intake.models import TARequest
    from tacenter.notifications.models import Notification
    from tacenter.registry.models import Grant
    from tacenter.vocab import STATES
    from tacenter.workflow.models import StageChange

    data = set(STATES.values()) | set(STATES)
    for model, columns in (
        (User, ("name", "email")),
        (Organization, ("name",)),
        (TARequest, ("reference", "title", "description", "desired_outcome", "outcome_summary")),
        (Topic, ("name_es",)),
        (GrantProgram, ("name_es",)),
        (Attachment, ("filename", "size_label")),
        (Message, ("body",)),
        (StageChange, ("note",)),
        # The funder's grant number and program, as the roster names them
        (Grant, ("label",)),
        # Written once, in the recipient's language (tests/test_i18n.py checks it)
        (Notification, ("message",)),
        # Group TA: what staff typed about an event or a collaborative
        (Event, ("title", "description")),
        (Collaborative, ("name", "description")),
        (EventMaterial, ("title",)),
        # A token's name as its owner typed it, and the start of its secret
        (ApiToken, ("name", "prefix")),
    ):
        for row in db.session.scalars(db.select(model)):
            data |= {str(getattr(row, c)) for c in columns if getattr(row, c, None)}
    return data


ANSWERS = {
    "quality": 5,
    "relevance": 4,
    "usefulness": 5,
    "timeliness": 4,
    "satisfaction": 5,
    "intent_to_use": True,
    "goal_met": "yes",
}


def _spanish_world():
    """The access-matrix world, with the requester's side made bilingual and in Spanish, and
    their request taken through a reply, a question, a closing and a survey."""
    from sqlalchemy import delete

    from tacenter.conversation.services import post_reply
    from tacenter.delivery.services import answer_survey
    from tacenter.extensions import db
    from tacenter.notifications.models import Notification
    from tacenter.workflow.services import change_stage
    from tests.factories import submit

    world = build_world()
    requester, staff = world.users["requester"], world.users["staff"]
    for topic, spanish in zip(
        world.objects["topics"], ("Financiamiento y Medicaid", "Visitas domiciliarias", "Fuerza laboral")
    ):
        topic.name_es = spanish
    world.objects["program"].name_es = "Proyecto LAUNCH"
    requester.locale = "es"
    db.session.execute(delete(Notification).where(Notification.user_id == requester.id))
    db.session.commit()
    own = world.objects["own_request"].reference
    post_reply(own, "Les enviamos el modelo de facturación.", actor=staff)
    change_stage(own, "waiting_on_requester", actor=staff, note="¿Cuántas familias atienden?")
    post_reply(own, "Atendemos a 40 familias.", actor=requester)
    closed = _closed_request(world)
    answered = _closed_request(world, title="Apoyo para supervisión reflexiva")
    answer_survey(answered.reference, ANSWERS | {"comment": "Muy útil."}, actor=requester)
    fresh = submit(requester, world.objects["topics"][0], title="Solicitud recién enviada")
    world.objects.update(closed=closed, answered=answered, fresh=fresh, survey=_open_event_survey(world))
    return world


def _open_event_survey(world) -> str:
    """The participants' survey of an event held today (open): the anonymous participant side."""
    from tacenter.db import utcnow
    from tacenter.event_surveys.services import survey_token
    from tacenter.group_ta import services
    from tacenter.timeliness.business_days import local_date

    staff, lead = world.users["staff"], world.users["lead"]
    today = local_date(utcnow(), "America/New_York")
    event = services.create_event(
        services.EventValues(
            "Taller de supervisión reflexiva", "training", "universal", today, "2", [staff.id]
        ),
        actor=lead,
    )
    return "/survey/" + survey_token(event.id)


def _closed_request(world, title="Consulta sobre visitas domiciliarias"):
    from tacenter.workflow.assignment import assign_request
    from tacenter.workflow.services import change_stage, close_request
    from tests.factories import submit

    staff, lead = world.users["staff"], world.users["lead"]
    ta_request = submit(world.users["requester"], world.objects["topics"][1], title=title, tier="intensive")
    assign_request(ta_request.reference, staff.id, actor=lead)
    change_stage(ta_request.reference, "in_progress", actor=staff)
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(
        ta_request.reference, goal_met="partly", outcome_summary="Plan de trabajo acordado.", actor=staff
    )
    return ta_request


def _pages(app, world, role: str) -> list[str]:
    """Every GET route the role may open (with its own objects), and the pages a requester
    meets off the map: a closed request and its survey, an answered one, errors."""
    urls = []
    for route in routes(app):
        # The API reference is generated from the code's OpenAPI document: developer documentation
        # in English, marked lang="en" inside the translated page (docs/api.md).
        if route.endpoint == "api_docs.page":
            continue
        if "GET" in route.methods and route.allows(role):
            case = "none" if not route.arguments else OWN
            if case == "none" or OWN in object_cases(route, world):
                urls.append(url_for_case(app, route, world, case))
    urls += ["/no-such-page", "/requests/TA-1999-9999"]
    if role == "anonymous":  # a participant answering an event's survey
        urls.append(world.objects["survey"])
    if role == "requester":
        for ta_request in (world.objects["closed"], world.objects["answered"]):
            urls += [f"/requests/{ta_request.reference}", f"/requests/{ta_request.reference}/survey"]
        urls.append("/admin/users")  # 403
        urls.append(f"/requests/{world.objects['fresh'].reference}/edit")  # theirs to edit until triage
    return urls


# Forms sent empty or wrong: their error messages (WTForms' own included) are read in Spanish too.
WRONG_FORMS = {
    "anonymous": {
        "/login": {},
        "/register": {"email": "not-an-email"},
        "/password/forgot": {},
        "/password/reset/world-reset-token": {"password": "short", "confirm": "other"},
    },
    "requester": {
        "/account/password": {"current": "wrong", "password": "password", "confirm": "password"},
        "/requests/new": {"needed_by": "tomorrow"},
        "/notifications/settings": {"email_mode": "x"},
    },
}


def _render_all(client, urls: list[str], forms: dict[str, dict]) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            pages[url] = response.get_data(as_text=True)
    for url, values in forms.items():
        response = client.post(url, data={**values, "csrf_token": csrf_token(client, url)})
        assert response.status_code in (200, 400), f"{url} accepted {values}"
        pages["POST " + url] = response.get_data(as_text=True)
    return pages


def _set_language(client, user, language: str) -> None:
    from tacenter.extensions import db

    if user is None:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = f"{language},en;q=0.5"
    else:
        user.locale = language
        db.session.commit()


@pytest.mark.parametrize("role", ["anonymous", "requester"])
def test_every_requester_side_page_reads_in_spanish(app, client, auth, role):
    world = _spanish_world()
    user = world.users.get(role)
    if user is not None:
        auth.login(user)
    urls = _pages(app, world, role)
    _set_language(client, user, "en")
    forms = WRONG_FORMS[role] | ({world.objects["survey"]: {"item-quality": "9"}} if user is None else {})
    english = _render_all(client, urls, forms)
    _set_language(client, user, "es")
    spanish = _render_all(client, urls, forms)
    assert english.keys() == spanish.keys() and len(spanish) > 5
    if role == "requester":  # walked, not redirected away
        assert f"/requests/{world.objects['fresh'].reference}/edit" in spanish
    data, phrases = _data_of(world), english_phrases(catalog("es"))
    problems = {}
    for page, html in spanish.items():
        lang, nodes = read_page(html)
        text = " ".join(nodes)
        found = english_left(read_page(english[page])[1], nodes, data)
        found += [f"catalog: {p}" for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
        if lang != "es":
            found.append(f"<html lang={lang!r}>")
        if found:
            problems[page] = found
    assert not problems, f"English on Spanish pages: {problems}"


def test_every_email_template_is_either_requester_facing_or_staff_only():
    kinds = {p.name.split(".")[0] for p in EMAILS.glob("*.txt") if not p.name.startswith("_")}
    assert kinds == REQUESTER_EMAILS | STAFF_EMAILS


def test_requester_emails_read_in_spanish_subject_text_and_html(app):
    from datetime import date

    from tacenter.notifications.services import queue_email
    from tests.factories import RequesterFactory, submit

    requester = RequesterFactory(name="Rosa Rivera", locale="es")
    ta_request = submit(requester, title="Consulta de Medicaid")
    context = {
        "user": requester,
        "ta_request": ta_request,
        "message": "Mensaje",
        "stage": "Cerrada",
        "note": "Nota",
        "author": requester,
        "body": "Texto",
        "body_html": "<p>Texto</p>",
        "notifications": [],
        "actions": [
            {
                "reference": ta_request.reference,
                "from_label": "Enviada",
                "to_label": "Asignada",
                "actor": "Ana",
            }
        ],
        "day": date(2026, 11, 29),
        "token": "t",
        "inviter": "Ana",
        "organization": "Organización",
        "role": "Solicitante",
        "actor_name": "Ana",
        "changes": [],
        "draft_id": 1,
        "subject": "Consulta",
        "name": requester.name,
        "last_use": date(2026, 3, 2),
        "deadline": date(2026, 6, 1),
        "minutes": 60,
        "event": SimpleNamespace(id=1, title="Taller de supervisión", event_date=date(2026, 3, 10)),
        "days": 30,
    }
    data = {
        requester.name,
        ta_request.reference,
        ta_request.title,
        "Mensaje",
        "Nota",
        "Texto",
        "Ana",
        "Organización",
        "Taller de supervisión",
        "Cerrada",  # the stage, already in the recipient's language (workflow passes it lazily)
    }
    phrases = english_phrases(catalog("es"))
    problems = {}
    for kind in sorted(REQUESTER_EMAILS):
        rendered = {}
        for language in ("en", "es"):
            row = queue_email("rosa@example.org", kind, context, locale=language)
            rendered[language] = [row.subject, row.text_body, row.html_body]
        for part, (en, es) in enumerate(zip(rendered["en"], rendered["es"])):
            lang, nodes = read_page(es) if part == 2 else (None, [line.strip() for line in es.splitlines()])
            english_nodes = read_page(en)[1] if part == 2 else [line.strip() for line in en.splitlines()]
            found = [n for n in english_left(english_nodes, nodes, data) if "http" not in n]
            found += [p for p in phrases if p in " ".join(nodes)]
            if part == 2 and lang != "es":
                found.append(f"<html lang={lang!r}>")
            if found:
                problems[f"{kind} {('subject', 'text', 'html')[part]}"] = found
    assert not problems, f"English in Spanish emails: {problems}"
