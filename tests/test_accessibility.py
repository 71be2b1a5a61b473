"""Accessibility: every page, as every role, checked by axe-core in Debian's Chromium.

For each role the harness visits every link in the main navigation and every GET route in
the URL map that the role may open (with a real object for routes that take one), plus the
error pages and forms showing errors. axe-core (npm, pinned in package-lock.json) runs on
each and any WCAG 2.0/2.1 A or AA violation fails the test. A new page needs no edit here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import open_html
from tests.routes import MISSING_TEXT, OWN, ROLES, build_world, object_cases, routes, url_for_case

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Pages that are not HTML for people (JSON health checks) are skipped by content type.


USWDS_CSS = REPO / "static" / "vendor" / "uswds" / "css" / "uswds.min.css"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now. (evaluate() is not subject to the page's CSP.)"""
    # Without USWDS's styles the colours axe measures would not be the ones people see.
    assert AXE.exists() and USWDS_CSS.exists(), "front-end assets missing: run `make assets`"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))",
        WCAG_TAGS,
    )


def check(page, label: str, found: dict) -> None:
    violations = axe_violations(page)
    found[label] = violations
    title, h1 = page.title(), page.locator("h1")
    assert h1.count() == 1, f"{label}: expected one h1, found {h1.count()}"
    heading = " ".join(h1.inner_text().split())
    if not title.startswith(heading + " | "):
        found[label] = violations + [{"id": "title-matches-h1", "help": f"title {title!r} vs h1 {heading!r}"}]


def nav_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "header nav a[href]", "links => links.map(a => new URL(a.href).pathname + new URL(a.href).search)"
    )


def pages_for(app, world, role: str) -> list[str]:
    urls = []
    for route in routes(app):
        if "GET" not in route.methods or not route.allows(role):
            continue
        case = "none" if not route.arguments else OWN
        if case == OWN and OWN not in object_cases(route, world):
            continue  # a parameter the harness cannot fill with a real object yet
        urls.append(url_for_case(app, route, world, case))
    return urls


def watch_console(page) -> list[str]:
    """Errors the page logs, CSP refusals included (inline scripts and styles stay forbidden)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def visit_all(page, urls, label_prefix, found, visited, errors):
    for url in urls:
        if (label_prefix, url) in visited:
            continue
        visited.add((label_prefix, url))
        errors.clear()
        if not open_html(page, url):
            continue  # a file download (an attachment) or JSON: not a page for axe
        label = f"{label_prefix} {url}"
        check(page, label, found)
        # The error pages log their own status; anything else logged is a defect.
        logged = [e for e in errors if "status of 40" not in e]
        if logged:
            found[label] = found[label] + [{"id": "console-error", "help": logged}]


@pytest.mark.timeout(1200)  # one crawl of every page as every role; grows with the product
def test_every_page_meets_wcag_21_aa_for_every_role(app, page_for):
    world = build_world()
    found: dict[str, list] = {}
    visited: set = set()
    for role in ROLES:
        page = page_for(world.users.get(role))
        # axe-core loaded by the browser as each page opens, rather than sent over for each one
        # (550 KB a page: a sixth of this crawl's time). Not subject to the page's CSP either.
        page.add_init_script(path=str(AXE))
        errors = watch_console(page)
        page.goto("/")
        urls = list(dict.fromkeys(nav_links(page) + pages_for(app, world, role)))
        visit_all(page, urls, role, found, visited, errors)
        if role in ("requester", "staff"):
            page.goto("/")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"home-{role}.png"), full_page=True)
        # The error pages, in the same design.
        visit_all(page, [f"/requests/{MISSING_TEXT}", "/no-such-page"], role, found, visited, errors)
        if role == "requester":
            visit_all(page, ["/admin/users"], role, found, visited, errors)  # a 403 page

    failures = {label: v for label, v in found.items() if v}
    ARTIFACTS.mkdir(exist_ok=True)
    distinct = sorted({label.split(" ", 1)[1] for label in found})
    report = {"pages_checked": len(found), "distinct_urls": distinct, "failures": failures}
    (ARTIFACTS / "accessibility.json").write_text(json.dumps(report, indent=2))
    print(f"\naxe-core: {len(found)} pages ({len(distinct)} distinct URLs) checked, {len(failures)} failing")
    assert not failures, json.dumps(failures, indent=2)
    assert len(found) >= 30


def test_forms_showing_errors_meet_wcag_21_aa(app, page_for):
    world = build_world()
    found: dict[str, list] = {}
    page = page_for()
    page.goto("/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()  # waits for the answer to the post
    check(page, "sign-in with a wrong password", found)
    page.goto("/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "empty registration", found)

    page = page_for(world.users["requester"])
    page.goto("/requests/new")
    page.get_by_role("button", name="Submit request").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "empty request form", found)

    page = page_for(world.users["admin"])
    page.goto("/admin/organizations/new")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "empty organization form", found)
    failures = {label: v for label, v in found.items() if v}
    assert not failures, json.dumps(failures, indent=2)


def test_the_harness_reports_a_real_violation(page_for):
    """Guard the guard: axe-core is really loaded and really fails a broken page."""
    page = page_for()
    page.goto("/login")
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'text';"
        " document.querySelector('main').appendChild(i); }"
    )
    assert "label" in {v["id"] for v in axe_violations(page)}
