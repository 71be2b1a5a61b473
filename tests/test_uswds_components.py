"""Every control and table on every page wears its USWDS component class, as every role.

An unstyled <table>, <button>, <select>, <textarea> or <input> renders in the browser's
default look next to USWDS's: the page looks unfinished. The crawl is the accessibility
harness's (every GET route the role may open, with real objects), through the test client.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from tacenter.delivery.plans import add_goal, add_step
from tacenter.delivery.services import ActivityValues, log_activity
from tests.conftest import Auth
from tests.factories import request_in_progress
from tests.routes import ROLES, build_world
from tests.test_accessibility import pages_for

TEXT_INPUTS = {"text", "email", "password", "number", "date", "search", "tel", "url", "month", "time"}
# Buttons that belong to another USWDS component (menu, accordion, banner) carry its class.
COMPONENT_BUTTONS = (
    "usa-button",
    "usa-accordion__button",
    "usa-menu-btn",
    "usa-nav__close",
    "usa-banner__button",
)


def expected_class(tag: str, attrs: dict) -> tuple[str, ...] | None:
    """The USWDS classes one of which this element must carry (None: nothing to check)."""
    if tag == "table":
        return ("usa-table",)
    if tag == "select":
        return ("usa-select",)
    if tag == "textarea":
        return ("usa-textarea",)
    if tag == "button":
        return COMPONENT_BUTTONS
    if tag == "input":
        kind = (attrs.get("type") or "text").lower()
        if kind in TEXT_INPUTS:
            return ("usa-input",)
        return {
            "submit": ("usa-button",),
            "button": ("usa-button",),
            "reset": ("usa-button",),
            "checkbox": ("usa-checkbox__input",),
            "radio": ("usa-radio__input",),
            # USWDS's file-input script replaces the field's label with "Drag file here or choose
            # from folder" (two inputs, one name); the native input keeps its label, styled by app.css.
            "file": ("usa-file-input", "usa-input"),
            "range": ("usa-range",),
        }.get(kind)
    return None


class Unstyled(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        wanted = expected_class(tag, attrs)
        classes = (attrs.get("class") or "").split()
        if wanted and not any(c in wanted for c in classes):
            described = " ".join(
                f'{k}="{v}"' for k, v in attrs.items() if k in ("type", "name", "id", "class")
            )
            self.found.append(f"<{tag} {described}> wants {' or '.join(wanted)}")


def unstyled(html: str) -> list[str]:
    parser = Unstyled()
    parser.feed(html)
    return parser.found


def a_request_with_plan_and_activities(staff):
    """An intensive request on `staff`'s caseload with a plan and an activity: their row forms."""
    ta_request, *_ = request_in_progress(tier="intensive", staff=staff)
    goal = add_goal(ta_request.reference, "Medicaid pays for dyadic sessions", actor=staff)
    add_step(ta_request.reference, "Draft a billing guide", target_date=None, goal_id=goal.id, actor=staff)
    log_activity(
        ta_request.reference,
        ActivityValues(activity_date=date.today(), hours="1", mode="virtual_meeting"),
        actor=staff,
    )
    return ta_request


def test_every_table_and_control_uses_its_uswds_component_for_every_role(app):
    world = build_world()
    planned = a_request_with_plan_and_activities(world.users["staff"])
    problems: dict[str, list[str]] = {}
    checked = 0
    for role in ROLES:
        user = world.users.get(role)
        client = app.test_client()
        if user is not None:
            Auth(client).login(user)
        urls = list(dict.fromkeys(pages_for(app, world, role) + ["/no-such-page"]))
        if role == "staff":
            urls.append(f"/requests/{planned.reference}")
        for url in urls:
            response = client.get(url)
            if "text/html" not in response.content_type:
                continue
            checked += 1
            found = unstyled(response.get_data(as_text=True))
            if found:
                problems[f"{role} {url}"] = sorted(set(found))
    assert checked >= 40
    assert not problems, "\n".join(f"{page}: {p}" for page, found in problems.items() for p in found)


def test_the_check_finds_a_plain_table_button_and_select():
    html = '<table></table><button type="submit">Go</button><select name="x"></select><input type="submit">'
    assert len(unstyled(html)) == 4
    assert unstyled('<table class="usa-table"></table><button class="usa-button">Go</button>') == []
