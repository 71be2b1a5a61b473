"""A requester who reads Spanish, in a real browser and inbox: registers, submits a request,
replies with a file, answers the survey; every page and every email reaches them in Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import ProgramFactory, TopicFactory, UserFactory
from tests.i18n_text import catalog, english_phrases, read_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _no_english(page, phrases: list[str]) -> None:
    lang, nodes = read_page(page.content())
    text = " ".join(nodes)
    found = [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
    assert lang == "es" and not found, f"{page.url}: lang={lang}, English: {found}"


def test_a_spanish_speaking_requester_goes_through_the_whole_journey_in_spanish(
    browser, live_server, worker, smtp_sink, tmp_path
):
    from tacenter.accounts.services import find_user_by_email
    from tacenter.conversation.services import post_reply
    from tacenter.workflow.assignment import assign_request
    from tacenter.workflow.services import change_stage, close_request

    TopicFactory(name="Home visiting", name_es="Visitas domiciliarias")
    ProgramFactory(name="Project LAUNCH", name_es="Proyecto LAUNCH")
    staff, lead = UserFactory(role="staff", name="Sam Specialist"), UserFactory(role="lead")
    phrases = english_phrases(catalog("es"))
    # The browser asks for Spanish (Accept-Language); nobody chooses anything on the site.
    page = browser.new_context(base_url=live_server.url, locale="es-PR").new_page()

    page.goto("/register")
    _no_english(page, phrases)
    page.get_by_label("Su nombre completo").fill("Marisol Rivera")
    page.get_by_label("Correo electrónico de trabajo").fill("marisol@salud.example")
    page.get_by_label("Nombre de la organización").fill("Salud Infantil de Ponce")
    page.get_by_label("Tipo de organización").select_option(label="Proveedor comunitario")
    page.get_by_label("Estado o territorio").select_option("PR")
    page.get_by_label("Contraseña", exact=True).fill("colibríes en el jardín de Ponce")
    page.get_by_label("Confirme la contraseña").fill("colibríes en el jardín de Ponce")
    page.get_by_role("button", name="Crear la cuenta").click()
    expect(page.get_by_role("status")).to_contain_text("Su cuenta está lista")
    page.get_by_label("Correo electrónico").fill("marisol@salud.example")
    page.get_by_label("Contraseña").fill("colibríes en el jardín de Ponce")
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    _no_english(page, phrases)

    page.get_by_role("link", name="Solicitar asistencia técnica").first.click()
    _no_english(page, phrases)
    page.get_by_label("Título breve").fill("Modelo de consultoría para visitas domiciliarias")
    page.get_by_label("¿En qué necesita apoyo?").fill(
        "Queremos integrar la consultoría en salud mental infantil."
    )
    page.locator("label", has_text="Visitas domiciliarias").click()
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.get_by_role("status")).to_contain_text("Recibimos su solicitud")
    reference = page.get_by_role("heading", level=1).inner_text().split(":")[0]
    _no_english(page, phrases)

    # The center answers (its staff read English); the requester reads it all in Spanish.
    assign_request(reference, staff.id, actor=lead)
    change_stage(reference, "in_progress", actor=staff)
    post_reply(reference, "Les comparto el modelo de Arizona.", actor=staff)
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("respondió")
    page.get_by_label("Su respuesta").fill("Gracias. Adjuntamos nuestro plan actual.")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    page.get_by_label("Adjuntar archivos (opcional)").set_input_files(str(plan))
    page.get_by_role("button", name="Enviar respuesta").click()
    expect(page.get_by_role("status")).to_contain_text("Enviamos su respuesta")
    _no_english(page, phrases)

    change_stage(reference, "delivered", actor=staff)
    close_request(reference, goal_met="yes", outcome_summary="Modelo adoptado.", actor=staff)
    page.reload()
    page.get_by_role("link", name="Responda la breve encuesta de satisfacción").click()
    _no_english(page, phrases)
    # USWDS draws its own radio on the label; the real input sits off-screen.
    for question in (
        "¿Cómo calificaría la calidad de la ayuda?",
        "¿Qué tan pertinente fue para sus necesidades?",
        "¿Qué tan útil fue?",
        "En general, ¿qué tan satisfecho(a) está?",
    ):
        page.get_by_role("group", name=question).locator("label").filter(
            has_text=re.compile(r"^5 \(excelente\)$")
        ).click()
    page.get_by_role("group", name="¿Qué tan oportuna fue?").locator("label").filter(
        has_text=re.compile(r"^4$")
    ).click()
    for question in ("¿Piensa usar lo que aprendió?", "¿Se cumplió su objetivo?"):
        page.get_by_role("group", name=question).locator("label").filter(has_text=re.compile(r"^Sí$")).click()
    page.get_by_role("button", name="Enviar respuestas").click()
    expect(page.get_by_role("status")).to_contain_text("Gracias")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "requester-spanish.png"), full_page=True)

    assert find_user_by_email("marisol@salud.example").locale == "es"
    expected = [
        f"Recibimos su solicitud de asistencia técnica {reference}",
        f"Nueva respuesta en {reference}",
        f"¿Cómo le atendimos en {reference}?",
    ]
    for subject in expected:
        assert smtp_sink.wait_for(lambda m, s=subject: m["Subject"] == s), (
            subject,
            worker.log.read_text()[-2000:],
        )
    to_her = [m for m in smtp_sink.messages if m["To"] == "marisol@salud.example"]
    for message in to_her:
        body = message.get_body(("plain",)).get_content()
        assert body.startswith("Hola, Marisol Rivera:") and not [p for p in phrases if p in body], body
