"""The instruments a center starts with (pure data: the migration and the services read it).

Each item: (code, kind, short English label, English wording, Spanish wording, choices, required).
Choices: (code, English, Spanish). Codes are what reports and the SAMHSA column map key on:
keep a code when rewording an item, give a new code when its meaning changes.
"""

from __future__ import annotations

RATING, YES_NO, CHOICE, MULTI, TEXT, LINK = "rating", "yes_no", "choice", "multi", "text", "link"
ITEM_KINDS = (RATING, YES_NO, CHOICE, MULTI, TEXT, LINK)

POST_REQUEST, POST_EVENT, FOLLOW_UP = "post_request", "post_event", "follow_up"
INSTRUMENT_KINDS = (POST_REQUEST, POST_EVENT, FOLLOW_UP)
NAMES = {
    POST_REQUEST: ("After a request", "Después de una solicitud"),
    POST_EVENT: ("After an event", "Después de un evento"),
    FOLLOW_UP: ("Follow-up", "Seguimiento"),
}

GOAL_MET = (("yes", "Yes", "Sí"), ("partly", "Partly", "En parte"), ("no", "No", "No"))
CHANGES = (
    ("practice", "A change in practice", "Un cambio en la práctica"),
    ("policy", "A change in policy", "Un cambio en las políticas"),
    ("program", "A new or changed program", "Un programa nuevo o modificado"),
    ("financing", "A change in financing", "Un cambio en el financiamiento"),
    ("workforce", "A workforce change", "Un cambio en la fuerza laboral"),
    ("nothing_yet", "Nothing yet", "Nada todavía"),
)

# What every request's survey asked before instruments existed: version 1 of post-request,
# which the migration gives to every answer given then.
LEGACY_POST_REQUEST = (
    ("usefulness", RATING, "Usefulness", "How useful was the help?", "¿Qué tan útil fue la ayuda?", (), True),
    ("timeliness", RATING, "Timeliness", "How timely was it?", "¿Qué tan oportuna fue?", (), True),
    ("goal_met", CHOICE, "Goal met", "Was your goal met?", "¿Se cumplió su objetivo?", GOAL_MET, True),
    ("comment", TEXT, "Comment", "Anything else? (optional)", "¿Algo más? (opcional)", (), False),
)

_RATED = (
    (
        "quality",
        "Quality",
        "How would you rate the quality of the help?",
        "¿Cómo calificaría la calidad de la ayuda?",
    ),
    (
        "relevance",
        "Relevance",
        "How relevant was it to your needs?",
        "¿Qué tan pertinente fue para sus necesidades?",
    ),
    ("usefulness", "Usefulness", "How useful was it?", "¿Qué tan útil fue?"),
    ("timeliness", "Timeliness", "How timely was it?", "¿Qué tan oportuna fue?"),
    (
        "satisfaction",
        "Satisfaction",
        "Overall, how satisfied are you?",
        "En general, ¿qué tan satisfecho(a) está?",
    ),
)

POST_REQUEST_ITEMS = (
    *((code, RATING, label, en, es, (), True) for code, label, en, es in _RATED),
    (
        "intent_to_use",
        YES_NO,
        "Intent to use",
        "Do you intend to use what you learned?",
        "¿Piensa usar lo que aprendió?",
        (),
        True,
    ),
    ("goal_met", CHOICE, "Goal met", "Was your goal met?", "¿Se cumplió su objetivo?", GOAL_MET, True),
    ("comment", TEXT, "Comment", "Anything else? (optional)", "¿Algo más? (opcional)", (), False),
)

POST_EVENT_ITEMS = tuple(i for i in POST_REQUEST_ITEMS if i[0] not in ("timeliness", "goal_met"))

FOLLOW_UP_ITEMS = (
    (
        "what_changed",
        MULTI,
        "What changed",
        "Since the help, what have you put in place?",
        "Desde la ayuda, ¿qué ha puesto en marcha?",
        CHANGES,
        True,
    ),
    (
        "evidence_note",
        TEXT,
        "Evidence (note)",
        "Tell us about it (optional)",
        "Cuéntenos al respecto (opcional)",
        (),
        False,
    ),
    (
        "evidence_link",
        LINK,
        "Evidence (link)",
        "A link that shows it, such as a policy or a report (optional)",
        "Un enlace que lo muestre, como una política o un informe (opcional)",
        (),
        False,
    ),
    (
        "barriers",
        TEXT,
        "Barriers",
        "What got in the way? (optional)",
        "¿Qué obstáculos encontró? (opcional)",
        (),
        False,
    ),
)

DEFAULTS = {POST_REQUEST: POST_REQUEST_ITEMS, POST_EVENT: POST_EVENT_ITEMS, FOLLOW_UP: FOLLOW_UP_ITEMS}
