"""Stored XSS payloads in every text a user can enter, rendered on every page in Chromium.

The page must neither run them nor turn them into elements (quality.md S4, D1, D3).
CSP alone would stop the scripts, so the test also looks for injected nodes.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.notifications.models import EmailOutbox
from tacenter.notifications.rendering import render_deferred
from tests import xss_channels as channels
from tests.browser import open_html
from tests.factories import OrganizationFactory, RequesterFactory, TopicFactory, UserFactory, submit

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<script>window.__xss=1</script><b class="xss-node">s</b>',
    '"><img class="xss-node" src=x onerror="window.__xss=1">',
    '\'><svg class="xss-node" onload="window.__xss=1">',
    '<a class="xss-node" href="javascript:window.__xss=1">link</a>',
    "</textarea><b class='xss-node'>t</b>",
    '<iframe class="xss-node" srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "[md](javascript:window.__xss=1) <b class=xss-node>m</b>",
    '{{ 7*7 }}<b class="xss-node">{% raw %}</b>',
    "</script><script>window.__xss=1</script>",
    '<details class="xss-node" open ontoggle="window.__xss=1">',
]


def _pages(app, values):
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and rule.endpoint not in ("static", "home.healthz")
            and set(rule.arguments) <= set(values)
        ):
            yield rule.build({k: values[k] for k in rule.arguments})[1]


def _seed_new_features(requester, staff, lead, admin, reference) -> dict:
    """The payloads in events, collaboratives, materials, objectives, survey answers, API tokens
    and webhooks (issue #20): the URL values that show them."""
    from datetime import UTC, date, datetime

    from tacenter.api.tokens import create_token
    from tacenter.delivery.models import PlanGoal
    from tacenter.event_surveys.services import answer_event_survey, survey_token
    from tacenter.group_ta import collaboratives, services
    from tacenter.group_ta.materials import add_material
    from tacenter.outcomes.models import FollowUp, ObjectiveChange, PlanObjective
    from tacenter.surveys.answers import save_submission
    from tacenter.surveys.instruments import ensure_version
    from tacenter.webhooks.services import subscribe

    org_id, day = requester.organization_id, date(2025, 11, 5)
    cohort = collaboratives.create_collaborative(
        collaboratives.CollaborativeValues(PAYLOADS[3][:200], staff.id, date(2025, 10, 1), date(2026, 9, 30),
                                           description=PAYLOADS[6] * 2),
        actor=lead,
    )  # fmt: skip
    collaboratives.add_member(cohort.id, org_id, actor=lead)
    event = services.create_event(
        services.EventValues(PAYLOADS[0][:200], "training", "intensive", day, "1.5", [staff.id],
                             description=PAYLOADS[2] * 2, collaborative_id=cohort.id),
        actor=lead,
    )  # fmt: skip
    services.record_attendance(event.id, org_id, 4, PAYLOADS[4][:300], version=None, actor=lead)
    add_material(event.id, PAYLOADS[1][:200], "https://example.org/slides", actor=lead)
    ta_request = db.session.scalar(select(TARequest).where(TARequest.reference == reference))
    goal = PlanGoal(ta_request_id=ta_request.id, description=PAYLOADS[7], created_at=datetime.now(UTC))
    db.session.add(goal)
    db.session.flush()
    objective = PlanObjective(ta_request_id=ta_request.id, goal_id=goal.id, description=PAYLOADS[8])
    db.session.add_all([objective, FollowUp(ta_request_id=ta_request.id, window_days=30)])
    db.session.flush()
    db.session.add(ObjectiveChange(objective_id=objective.id, ta_request_id=ta_request.id,
                                   status="in_progress", note=PAYLOADS[9], evidence=PAYLOADS[5]))  # fmt: skip
    for kind, purpose in (("post_request", "post_request"), ("follow_up", "follow_up_30")):
        version = ensure_version(kind)
        texts = {i.code: PAYLOADS[n % len(PAYLOADS)] for n, i in enumerate(version.items) if i.kind == "text"}
        save_submission(version, texts, purpose=purpose, ta_request_id=ta_request.id,
                        respondent_id=requester.id, locale="en", now=datetime.now(UTC))  # fmt: skip
    db.session.commit()
    rated = {f"item-{c}": "5" for c in ("quality", "relevance", "usefulness", "satisfaction")}
    form = _Form({**rated, "item-intent_to_use": "yes", "item-comment": PAYLOADS[6]})
    _, errors = answer_event_survey(
        event, form, browser_key="xss-browser", locale="en", now=datetime(2025, 11, 5, 18, tzinfo=UTC)
    )
    assert errors == {}
    for user in (requester, staff, admin):
        create_token(PAYLOADS[5][:100], "read", 30, actor=user)
    try:  # a payload in the URL itself, when the target check lets it through
        webhook = subscribe("http://127.0.0.1:9/h?x=" + PAYLOADS[1], ["request.submitted"],
                            description=PAYLOADS[2], actor=admin)  # fmt: skip
    except DomainError:  # refused: the payload stays in the description
        db.session.rollback()
        webhook = subscribe(
            "http://127.0.0.1:9/h", ["request.submitted"], description=PAYLOADS[2], actor=admin
        )
    return {"event_id": event.id, "collaborative_id": cohort.id, "subscription_id": webhook.id, "days": 30,
            "instrument": "follow_up", "survey_token": survey_token(event.id)}  # fmt: skip


class _Form(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def _seed(app) -> tuple[dict, dict, dict]:
    """Every payload in place, typed on pages and through the import, email-in and the API: the URL
    values of the crawl, the extra pages per role, and the users."""
    org = OrganizationFactory(name=PAYLOADS[1][:200])
    requester = RequesterFactory(organization=org, name=PAYLOADS[2][:120])
    topic = TopicFactory(name=PAYLOADS[4][:120])
    references = [
        submit(
            requester, topic=topic, title=payload[:200], description=payload * 2, desired_outcome=payload
        ).reference
        for payload in PAYLOADS
    ]
    staff = UserFactory(role="staff", name=PAYLOADS[5][:120])
    lead, admin = UserFactory(role="lead"), UserFactory(role="admin")
    users = {"requester": requester, "staff": staff, "lead": lead, "admin": admin}
    values = {"reference": references[0]}
    values |= _seed_new_features(requester, staff, lead, admin, references[0])
    extra: dict[str, list[str]] = {}
    for pages in (
        channels.seed_import(PAYLOADS, admin, values["event_id"]),
        channels.seed_mail_in(PAYLOADS, requester, staff, references[1]),
        channels.seed_api(
            app.test_client(), PAYLOADS, requester, staff, lead, references[2], org.id, topic.id
        ),
    ):
        for role, paths in pages.items():  # "shown": (path, a payload the page shows as text)
            extra.setdefault(role, []).extend(paths)
    return values, extra, users


def test_payloads_never_run_or_become_elements(app, page_for):
    values, extra, users = _seed(app)
    requester, staff, lead, admin = (users[r] for r in ("requester", "staff", "lead", "admin"))
    references = [values["reference"]]
    for user in (None, requester, staff, lead, UserFactory(role="leadership"), admin):
        page = page_for(user)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        if user is None:
            paths = ["/survey/" + values["survey_token"]]
        else:  # every page the URL values build, and those of the import, email-in and the API
            paths = [*_pages(app, values), *dict.fromkeys(extra.get(user.role, []))]
        for path in paths:
            # Downloads (CSV, Excel, archives) are not rendered by a browser; their cells' escaping
            # has its own tests. Only pages that answer HTML are looked into.
            if not open_html(page, path):
                continue
            injected = page.evaluate("document.querySelectorAll('.xss-node').length")
            ran = page.evaluate("window.__xss === 1")
            assert (injected, ran, dialogs) == (0, False, []), f"{path} as {user and user.role}"
    # The payloads were on the new pages, shown as text (so the crawl above proves something).
    page = page_for(lead)
    for path, payload in ((f"/events/{values['event_id']}", PAYLOADS[0]),
                          (f"/collaboratives/{values['collaborative_id']}", PAYLOADS[3])):  # fmt: skip
        page.goto(path)
        assert payload[:40] in page.inner_text("body"), path
    page = page_for(admin)
    for path, payload in extra["shown"]:  # what came in by import, email and the API
        page.goto(path)
        assert payload[:30] in page.inner_text("body"), path
    db.session.rollback()
    assert (
        db.session.scalar(select(TARequest).where(TARequest.reference == references[0])).title == PAYLOADS[0]
    )
    assert db.session.scalar(select(User).where(User.id == staff.id)).name.startswith("<iframe")


class _Markup(HTMLParser):
    """The elements and attributes an HTML body makes, the way a mail client would parse it."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def test_emails_about_these_records_carry_the_payloads_only_escaped(app):
    """The emails queued while the payloads came in (receipts, replies, drafts by email, the
    answer to an unknown sender...): their HTML bodies quote the payloads as text, never markup."""
    _seed(app)
    for row in db.session.scalars(select(EmailOutbox)):  # what the worker renders as it sends
        render_deferred(row)
    db.session.commit()
    bodies = db.session.scalars(select(EmailOutbox.html_body)).all()
    quoting = 0
    for html in bodies:
        parser = _Markup()
        parser.feed(html)
        for tag, attrs in parser.tags:
            assert tag not in ("script", "iframe", "svg", "details", "img"), (tag, html[:300])
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            assert "xss-node" not in attrs.get("class", ""), (tag, attrs)
            assert not attrs.get("href", "").strip().lower().startswith("javascript:"), attrs
        assert not [p for p in PAYLOADS if p in html], html[:300]
        quoting += any(p[:30] in unescape(html) for p in PAYLOADS)
    assert quoting >= 5, f"only {quoting} of {len(bodies)} emails quote a payload: the test proves little"
