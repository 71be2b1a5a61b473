"""Every page issues the same number of SQL queries with a few dozen requests as with 1,000.

(A few dozen rather than ten, so that every role's lists are non-empty in both runs: an
empty list legitimately skips its eager-load query.)

Walks the URL map, so a new page is covered without editing this test. Routes that
need an argument get a real object for the signed-in role.
"""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.db import StatementCounter
from tacenter.demo.seed import seed_demo
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tests.conftest import csrf_token

ROLES = ["requester", "staff", "lead", "leadership", "admin"]
# The full export streams every table in batches of 1,000 rows: one more statement per batch.
SKIP_ENDPOINTS = {"static", "accounts.logout", "home.healthz", "records.export"}


def _sample_args(user: User) -> dict:
    query = select(TARequest.reference).order_by(TARequest.id)
    if user.role == "requester":
        query = query.where(TARequest.organization_id == user.organization_id)
    from tacenter.group_ta.models import Collaborative, Event
    from tacenter.group_ta.permissions import visible_collaboratives, visible_events

    # The event with the most attendance rows the user may see (the demo's webinar), and a cohort.
    event = db.session.scalar(visible_events(user).with_only_columns(Event.id).order_by(Event.id).limit(1))
    cohort = db.session.scalar(
        visible_collaboratives(user).with_only_columns(Collaborative.id).order_by(Collaborative.id).limit(1)
    )
    return {"reference": db.session.scalar(query), "event_id": event, "collaborative_id": cohort}


def _get_pages(app, user: User) -> list[str]:
    args = _sample_args(user)
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        if set(rule.arguments) - {k for k, v in args.items() if v is not None}:
            continue  # e.g. invitation tokens: no stable sample
        pages.append(rule.build({k: args[k] for k in rule.arguments})[1])
    return sorted(pages)


def _measure(app, client, auth, role: str) -> dict[str, int]:
    user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
    auth.login(user, password="demo-password")
    counts = {}
    for path in _get_pages(app, user):
        client.get(path)  # warm caches (e.g. the session touch) before counting
        with StatementCounter(db.engine) as counter:
            response = client.get(path)
        assert response.status_code < 500, path
        counts[path.replace(_sample_args(user)["reference"] or "-", "<ref>")] = counter.count
    auth.logout()
    return counts


def test_query_count_does_not_grow_with_the_data(app, client, auth):
    """Every role's pages, at 60 requests and at 1,000 (each size seeded once for all roles)."""
    seed_demo(request_count=60)
    small = {role: _measure(app, client, auth, role) for role in ROLES}
    seed_demo(request_count=1000)
    large = {role: _measure(app, client, auth, role) for role in ROLES}
    assert all(small.values())
    grew = {
        (role, path): (count, large[role].get(path))
        for role in ROLES
        for path, count in small[role].items()
        if large[role].get(path) != count
    }
    assert not grew and small == large, grew


# Statements per page as served now (docs/performance.md): the catalog's lists come from the
# process's copy, and the header's unread count and the catalog version from the sign-in lookup.
PINNED = {
    ("requester", "GET", "/requests/new"): 1,
    # The request page: the sign-in lookup, the request, and everything else in one UNION ALL
    # (conversation/page_rows.py), a survey answer's items included.
    ("requester", "GET", "/requests/<ref>"): 3,
    # The session, the leads with their email modes; then Core INSERTs: the request with its
    # reference (no UPDATE), its topic, its first stage, the notices and the emails, each one
    # statement (intake/writing.py, notifications/bulk.py). Topics and webhook subscriptions come
    # from the process's copy.
    ("requester", "POST", "/requests/new"): 7,
    # The session, the page's rows with their total (intake/table.py); the saved views only for
    # someone who has some (the session's lookup counts them: workflow/saved_views.py).
    ("staff", "GET", "/queue"): 2,
    ("staff", "GET", "/queue?due=week&sort=needed_by"): 2,
    # Its requests and the covered colleagues' are one query; the event table's rows carry their
    # facilitators' names (group_ta/event_rows.py).
    ("staff", "GET", "/caseload"): 3,
    ("staff", "GET", "/events"): 2,
    ("staff", "GET", "/requests/<ref>"): 3,
    # The session; the page's rows with their total; the routable staff and the picker in one
    # query; routing's fits and the rows' topics by name in one UNION ALL.
    ("lead", "GET", "/triage"): 4,
    # Served from the worker's snapshots: the session and the snapshot row, nothing else.
    ("leadership", "GET", "/reports/"): 2,
    ("leadership", "GET", "/reports/dashboard.json"): 2,
    ("leadership", "GET", "/reports/volume"): 2,
    ("leadership", "GET", "/reports/caseload"): 2,
}


def test_pages_send_the_pinned_number_of_statements(app, client, auth):
    from tacenter.reports.kept_views import refresh

    seed_demo(request_count=60)
    refresh()  # as the worker does: the dashboard and reports are served from snapshots
    counts = {}
    for role in dict.fromkeys(role for role, _, _ in PINNED):
        user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
        auth.login(user, password="demo-password")
        newest = select(TARequest.reference).order_by(TARequest.id.desc())
        if role == "requester":  # a request of their own organization
            newest = newest.where(TARequest.organization_id == user.organization_id)
        reference = db.session.scalar(newest)
        for pinned_role, method, path in PINNED:
            if pinned_role != role:
                continue
            url = path.replace("<ref>", reference)
            data = {}
            if method == "POST":
                topic_id = db.session.scalar(select(Topic.id).where(Topic.active).order_by(Topic.id))
                data = {"title": "Screening tools for toddlers", "description": "We want to choose a tool.",
                        "topic_ids": topic_id, "state": "NM", "tier": "targeted", "urgency": "routine",
                        "preferred_mode": "virtual_meeting", "program_id": "", "desired_outcome": "",
                        "csrf_token": csrf_token(client, url)}  # fmt: skip
            for attempt in range(2):  # the first fills the process's copies
                if method == "POST":
                    data["submission_token"] = f"pinned-{attempt}"
                with StatementCounter(db.engine) as counter:
                    response = client.open(url, method=method, data=data)
                assert response.status_code in (200, 302), (url, response.status_code)
            counts[pinned_role, method, path] = counter.count
        auth.logout()
    dialect = db.engine.dialect.name
    assert counts == {key: pin[dialect] if isinstance(pin, dict) else pin for key, pin in PINNED.items()}


def test_request_page_reads_a_full_record_in_three_statements(app, client, auth):
    """An answered, closed request with activities, as each side sees it: the sign-in lookup,
    the request, and one UNION ALL (conversation/page_rows.py), however much it holds."""
    from tacenter.delivery.models import TAActivity
    from tacenter.surveys.models import SurveySubmission

    seed_demo(request_count=60)
    answered = (
        select(TARequest)
        .join(SurveySubmission, SurveySubmission.ta_request_id == TARequest.id)
        .where(SurveySubmission.purpose == "post_request")
        .where(TARequest.id.in_(select(TAActivity.ta_request_id)))
        .order_by(TARequest.id)
    )
    ta_request = db.session.scalars(answered).first()
    assert ta_request is not None
    for role, shown in (("staff", "Quality: "), ("requester", "answered the satisfaction survey")):
        query = select(User).where(User.role == role).order_by(User.id)
        if role == "requester":
            query = query.where(User.organization_id == ta_request.organization_id)
        auth.login(db.session.scalar(query), password="demo-password")
        client.get(f"/requests/{ta_request.reference}")  # the first fills the process's copies
        with StatementCounter(db.engine) as counter:
            response = client.get(f"/requests/{ta_request.reference}")
        assert response.status_code == 200
        assert shown in response.get_data(as_text=True)
        assert counter.count == 3, (role, counter.statements)
        auth.logout()
