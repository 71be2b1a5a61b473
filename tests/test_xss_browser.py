"""Stored XSS payloads in every text a user can enter, rendered on every page in Chromium.

The page must neither run them nor turn them into elements (quality.md S4, D1, D3).
CSP alone would stop the scripts, so the test also looks for injected nodes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.intake.models import TARequest
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


def _pages(app, reference):
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and rule.endpoint not in ("static", "home.healthz")
            and set(rule.arguments) <= {"reference"}
        ):
            yield rule.build({"reference": reference} if rule.arguments else {})[1]


def test_payloads_never_run_or_become_elements(app, page_for):
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
    for user in (requester, staff, UserFactory(role="lead"), UserFactory(role="admin")):
        page = page_for(user)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in _pages(app, references[0]):
            # Downloads (CSV, Excel, archives) are not rendered by a browser; their cells' escaping
            # has its own tests. Only pages that answer HTML are opened.
            answer = page.request.get(path, max_redirects=5)
            if "text/html" not in answer.headers.get("content-type", ""):
                continue
            page.goto(path)
            injected = page.evaluate("document.querySelectorAll('.xss-node').length")
            ran = page.evaluate("window.__xss === 1")
            assert (injected, ran, dialogs) == (0, False, []), f"{path} as {user.role}"
    db.session.rollback()
    assert (
        db.session.scalar(select(TARequest).where(TARequest.reference == references[0])).title == PAYLOADS[0]
    )
    assert db.session.scalar(select(User).where(User.id == staff.id)).name.startswith("<iframe")
