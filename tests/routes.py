"""What the page harnesses share: a small world with one person per role, every route in
the URL map with its declared access rule, and sample arguments to fill in its URL.

A new route is covered by the accessibility and access-matrix tests as soon as its view
declares a rule (`@public`, `@signed_in`, `@staff_side`, `@require_roles`). A route whose
parameter names an object the harness does not know yet is still checked by role, with a
nonexistent id; add a line to `SAMPLES` to check it against real objects as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    submit,
)

ROLES = ("anonymous", "requester", "staff", "lead", "leadership", "admin")
OWN, FOREIGN, MISSING = "own", "other organization's", "nonexistent"
MISSING_ID = 987654
MISSING_TEXT = "TA-1999-9999"
# A string from the other organization's request: no requester of ours may ever see it.
FOREIGN_CANARY = "Canary-Ohio-7731 infant care workforce plan"


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)  # role -> User (none for anonymous)
    objects: dict[str, object] = field(default_factory=dict)  # what SAMPLES build URLs from
    ids: dict[str, dict[str, object]] = field(default_factory=dict)  # parameter -> {case: value}


# How to fill each URL parameter: parameter name -> world -> {case: value}. A feature adding a
# route with a new parameter adds one line here (and to OWNED_BY_ORGANIZATION if a requester's
# organization owns the object); until then the route is still checked by role.
SAMPLES = {
    "reference": lambda w: {
        OWN: w.objects["own_request"].reference,
        FOREIGN: w.objects["foreign_request"].reference,
        MISSING: MISSING_TEXT,
    },
    "token": lambda w: {OWN: w.objects["invitation_token"], MISSING: "no-such-invitation"},
    "user_id": lambda w: {
        OWN: w.objects["colleague"].id,
        FOREIGN: w.objects["other_requester"].id,
        MISSING: MISSING_ID,
    },
    # A TA staff member's own pages (profile, availability): "own" is the signed-in staff member.
    "staff_id": lambda w: {OWN: w.users["staff"].id, FOREIGN: w.objects["colleague"].id, MISSING: MISSING_ID},
    "org_id": lambda w: {OWN: w.objects["ours"].id, FOREIGN: w.objects["theirs"].id, MISSING: MISSING_ID},
    "attachment_id": lambda w: {
        OWN: w.objects["own_attachment"].id,
        FOREIGN: w.objects["foreign_attachment"].id,
        MISSING: MISSING_ID,
    },
    "topic_id": lambda w: {OWN: w.objects["topics"][0].id, MISSING: MISSING_ID},
    "program_id": lambda w: {OWN: w.objects["program"].id, MISSING: MISSING_ID},
}
# A sign-in session: only its own user may end it. "Own" is one of the requester's (a second
# sign-in, not the visitor's), "foreign" a colleague's: 404 for everyone else.
SAMPLES["session_id"] = lambda w: {
    OWN: w.objects["requester_session"].id,
    FOREIGN: w.objects["colleague_session"].id,
    MISSING: MISSING_ID,
}
SAMPLES["organization_id"] = SAMPLES["org_id"]
# A grant (admin pages only): "own" is our organization's, "foreign" the other one's.
SAMPLES["grant_id"] = lambda w: {
    OWN: w.objects["own_grant"].id,
    FOREIGN: w.objects["foreign_grant"].id,
    MISSING: MISSING_ID,
}
# Group TA: an event our organization attended (and a foreign one only theirs did), and a
# collaborative of each; TA staff facilitate and lead them all.
SAMPLES["event_id"] = lambda w: {OWN: w.objects["own_event"].id, FOREIGN: w.objects["foreign_event"].id,
                                 MISSING: MISSING_ID}  # fmt: skip
SAMPLES["collaborative_id"] = lambda w: {
    OWN: w.objects["own_collaborative"].id,
    FOREIGN: w.objects["foreign_collaborative"].id,
    MISSING: MISSING_ID,
}
# A "forgot password" link: the requester's, live (anyone holding it may open it).
SAMPLES["reset_token"] = lambda w: {OWN: w.objects["reset_token"], MISSING: "no-such-reset"}
# Outcomes: a follow-up window of the request, an instrument kind, a SAMHSA form.
SAMPLES["days"] = lambda w: {OWN: 30, MISSING: 999}
SAMPLES["instrument"] = lambda w: {OWN: "follow_up", MISSING: "no-such-instrument"}
SAMPLES["form"] = lambda w: {OWN: "follow_up", MISSING: "no-such-form"}
# A participant survey link (anyone holding it answers): our event's, and an altered one.
SAMPLES["survey_token"] = lambda w: {OWN: _survey_token(w.objects["own_event"].id), MISSING: "no-such-survey"}
# An API token on its owner's account page: "own" is the requester's, "foreign" a colleague's (404
# for anyone but its owner); on the admin's page (any_token_id) an admin reaches every token.
SAMPLES["token_id"] = lambda w: {
    OWN: w.objects["requester_token"].id,
    FOREIGN: w.objects["colleague_token"].id,
    MISSING: MISSING_ID,
}
SAMPLES["any_token_id"] = SAMPLES["token_id"]
# Webhooks (admin pages only): a subscription and one of its deliveries.
SAMPLES["subscription_id"] = lambda w: {OWN: w.objects["webhook"].id, MISSING: MISSING_ID}
SAMPLES["delivery_id"] = lambda w: {OWN: w.objects["webhook_delivery"].id, MISSING: MISSING_ID}


def build_world() -> World:
    """Two organizations, one person per role, requests in several stages, an invitation."""
    from tacenter.invitations.services import invite_user
    from tacenter.workflow.assignment import assign_request
    from tacenter.workflow.services import change_stage

    ours = OrganizationFactory(name="New Mexico CYFD", state="NM")
    theirs = OrganizationFactory(name="Ohio Project LAUNCH", org_type="state_agency", state="OH")
    users = {
        "requester": RequesterFactory(name="Rosa Requester", email="rosa@cyfd.example", organization=ours),
        "staff": UserFactory(role="staff", name="Sam Specialist", email="sam@tacenter.example"),
        "lead": UserFactory(role="lead", name="Lee Lead", email="lee@tacenter.example"),
        "leadership": UserFactory(role="leadership", name="Lou Leadership", email="lou@tacenter.example"),
        "admin": UserFactory(role="admin", name="Ada Admin", email="ada@tacenter.example"),
    }
    other_requester = RequesterFactory(name="Omar Other", email="omar@launch.example", organization=theirs)
    colleague = UserFactory(role="staff", name="Casey Colleague", email="casey@tacenter.example")
    from tacenter.webhooks.services import subscribe

    # A webhook (to a port nothing listens on) made first, so the requests below are delivered to it.
    webhook = subscribe("http://127.0.0.1:9/hooks", ["request.submitted"], actor=users["admin"])
    topics = [TopicFactory(name=n) for n in ("Financing and Medicaid", "Home visiting", "Workforce")]
    program = ProgramFactory(name="Project LAUNCH")
    requester, staff, lead = users["requester"], users["staff"], users["lead"]
    own = submit(requester, topics[0], title="Medicaid billing for dyadic services", program_id=program.id)
    second = submit(requester, topics[1], title="Home visiting consultation model")
    submit(requester, topics[2], title="Endorsement pathway for reflective supervisors")
    foreign = submit(other_requester, topics[2], title=FOREIGN_CANARY, state="OH")
    assign_request(own.reference, staff.id, actor=lead)
    change_stage(own.reference, "in_progress", actor=staff)
    assign_request(second.reference, staff.id, actor=lead)
    _, token = invite_user("new.person@cyfd.example", "requester", actor=lead, organization_id=ours.id)
    from tacenter.files.services import Upload, attach_files

    pdf = Upload("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    [own_attachment] = attach_files(own.reference, [pdf], actor=requester)
    [foreign_attachment] = attach_files(
        foreign.reference, [Upload(FOREIGN_CANARY + ".txt", b"canary")], actor=other_requester
    )
    from datetime import date, timedelta

    from tacenter.accounts.models import LoginSession, PasswordReset
    from tacenter.accounts.services import token_hash
    from tacenter.db import utcnow
    from tacenter.extensions import db
    from tacenter.registry.models import Grant

    period = {"program_id": program.id, "project_start": date(2024, 10, 1), "project_end": date(2029, 9, 29)}
    own_grant = Grant(grant_number="SM-24-001", organization_id=ours.id, **period)
    foreign_grant = Grant(grant_number="SM-24-002", organization_id=theirs.id, **period)
    db.session.add_all([own_grant, foreign_grant])
    # A live "forgot password" link of the requester's (made directly: no email in the outbox).
    reset_token = "world-reset-token"
    db.session.add(
        PasswordReset(
            token_hash=token_hash(reset_token),
            user_id=users["requester"].id,
            expires_at=utcnow() + timedelta(hours=1),
        )
    )

    group = _group_ta(ours, theirs, staff, lead)

    colleague_session = LoginSession(token_hash="c" * 64, user_id=colleague.id)
    requester_session = LoginSession(token_hash="r" * 64, user_id=users["requester"].id)
    db.session.add_all([colleague_session, requester_session])
    db.session.commit()
    from sqlalchemy import select

    from tacenter.api.tokens import create_token
    from tacenter.webhooks.models import WebhookDelivery

    requester_token, _ = create_token("Requester's export", "read", 30, actor=users["requester"])
    colleague_token, _ = create_token("Colleague's sync", "read_write", 30, actor=colleague)
    world = World(users=users)
    world.objects = {
        "ours": ours,
        "theirs": theirs,
        "own_request": own,
        "foreign_request": foreign,
        "other_requester": other_requester,
        "colleague": colleague,
        "colleague_session": colleague_session,
        "requester_session": requester_session,
        "topics": topics,
        "program": program,
        "invitation_token": token,
        "reset_token": reset_token,
        "own_attachment": own_attachment,
        "foreign_attachment": foreign_attachment,
        "own_grant": own_grant,
        "foreign_grant": foreign_grant,
        **group,
        "requester_token": requester_token,
        "colleague_token": colleague_token,
        "webhook": webhook,
        "webhook_delivery": db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id)),
    }
    # A 30-day follow-up of our request (and of theirs), so its page has something to show.
    from tacenter.extensions import db
    from tacenter.outcomes.models import FollowUp

    db.session.add_all([FollowUp(ta_request_id=r.id, window_days=30) for r in (own, foreign)])
    # And our requester's 30-day follow-up of the event our organization attended.
    db.session.add(FollowUp(event_id=group["own_event"].id, contact_id=requester.id, window_days=30))
    db.session.commit()
    world.ids = {name: make(world) for name, make in SAMPLES.items()}
    return world


def _survey_token(event_id: int) -> str:
    from tacenter.event_surveys.services import survey_token

    return survey_token(event_id)


def _group_ta(ours, theirs, staff, lead) -> dict:
    """Events and collaboratives of each organization, with attendance logged at a session."""
    from datetime import date

    from tacenter.group_ta import collaboratives, services

    made = {}
    for key, org in (("own", ours), ("foreign", theirs)):
        cohort = collaboratives.create_collaborative(
            collaboratives.CollaborativeValues(
                f"{org.name} cohort", staff.id, date(2025, 10, 1), date(2026, 9, 30)
            ),
            actor=lead,
        )
        collaboratives.add_member(cohort.id, org.id, actor=lead)
        title = FOREIGN_CANARY if key == "foreign" else "Medicaid financing webinar"
        event = services.create_event(
            services.EventValues(title, "training", "intensive", date(2025, 11, 5), "1.5", [staff.id],
                                 collaborative_id=cohort.id),
            actor=lead,
        )  # fmt: skip
        services.record_attendance(event.id, org.id, 4, "directors", version=None, actor=lead)
        made[f"{key}_event"], made[f"{key}_collaborative"] = event, cohort
    return made


# Parameters whose objects belong to an organization: a requester of another one gets a 404.
OWNED_BY_ORGANIZATION = {"reference", "attachment_id", "event_id", "collaborative_id"}
# Parameters naming a staff member: staff reach only their own (a colleague's is a 404).
OWNED_BY_SELF = {"staff_id"}
# Parameters naming something of one user only (a sign-in session; the sample's owner is the
# requester): anyone else gets a 404.
OWNED_BY_EACH_USER = {"session_id", "token_id"}


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    methods: tuple[str, ...]
    arguments: tuple[str, ...]
    access_rule: object  # "public", a frozenset of roles, or None (undeclared: a defect)

    def allows(self, role: str) -> bool:
        if self.access_rule == "public":
            return True
        return role != "anonymous" and role in {str(r) for r in self.access_rule}


def routes(app) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/api/v1/") and not rule.rule.endswith("/docs"):
            continue  # the JSON API has its own matrix (tests/test_api_access_matrix.py)
        view = app.view_functions[rule.endpoint]
        methods = tuple(sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS")))
        found.append(
            Route(
                rule.rule,
                rule.endpoint,
                methods,
                tuple(rule.arguments),
                getattr(view, "access_rule", None),
            )
        )
    return sorted(found, key=lambda r: r.rule)


def object_cases(route: Route, world: World) -> list[str]:
    """Which objects to try: own, another organization's and a nonexistent one, as known."""
    if not route.arguments:
        return ["none"]
    cases = {MISSING}
    for name in route.arguments:
        cases |= set(world.ids.get(name, {}))
    return [c for c in (OWN, FOREIGN, MISSING) if c in cases]


def url_for_case(app, route: Route, world: World, case: str) -> str:
    values = {}
    for name in route.arguments:
        samples = world.ids.get(name)
        if samples is None:  # unknown parameter: only a nonexistent value can be made up
            values[name] = MISSING_ID if _is_int(app, route, name) else MISSING_TEXT
        else:
            values[name] = samples.get(case, samples[OWN] if case != MISSING else MISSING_ID)
    with app.test_request_context():
        from flask import url_for

        return url_for(route.endpoint, **values)


def _is_int(app, route: Route, name: str) -> bool:
    return bool(re.search(rf"<int:{name}>", route.rule))


def login_path_of(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")
