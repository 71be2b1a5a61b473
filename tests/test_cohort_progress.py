"""The cohort page shows each member's progress on its own plan objectives, in a fixed number of
queries whatever the number of members."""

from __future__ import annotations

import re
from datetime import date

from tacenter.db import StatementCounter
from tacenter.delivery.plans import add_goal
from tacenter.extensions import db
from tacenter.group_ta import collaboratives, services
from tacenter.intake.models import TARequest
from tacenter.outcomes.objectives import add_objective, update_objective
from tests.factories import OrganizationFactory, RequesterFactory, UserFactory

START = date(2025, 10, 1)
# Each member's objectives by status, in order: the first is a full mix, the last has none.
MIXES = [
    ["met", "met", "in_progress", "not_started", "dropped"],
    ["in_progress", "not_started", "not_started"],
    [],
]


def _cohort(name: str, size: int):
    lead = UserFactory(role="lead")
    facilitator = UserFactory(role="staff")
    cohort = collaboratives.create_collaborative(
        collaboratives.CollaborativeValues(name, facilitator.id, START, date(2026, 9, 30)), actor=lead
    )
    members = []
    for i in range(size):
        org = OrganizationFactory(name=f"{name} member {i:02d}")
        members.append(collaboratives.add_member(cohort.id, org.id, actor=lead, joined_on=START))
    session = services.create_event(
        services.EventValues(
            title=f"{name} session", event_type="ta", tier="intensive", event_date=date(2025, 11, 5),
            duration_hours="2", facilitator_ids=[facilitator.id], collaborative_id=cohort.id,
        ),
        actor=lead,
    )  # fmt: skip
    for member in members[::2]:
        services.record_attendance(session.id, member.organization_id, 3, version=None, actor=lead)
    return lead, cohort, members


def _give_objectives(member, statuses: list[str], lead) -> str:
    reference = db.session.get(TARequest, member.ta_request_id).reference
    if not statuses:
        return reference
    goal = add_goal(reference, "Financing plan adopted", actor=lead)
    for i, status in enumerate(statuses):
        objective = add_objective(reference, goal.id, f"Objective {i}", target_date=None, actor=lead)
        if status != "not_started":
            update_objective(reference, objective.id, status, note="Reviewed", evidence="Minutes", actor=lead)
    return reference


def _progress_cells(html: str) -> dict[str, str]:
    """Member name -> the text of its progress cell on the cohort page."""
    members = html[html.index('id="members-heading"') :]
    row = r'<th scope="row">([^<]+)</th><td>.*?<span class="member-progress">([^<]+)</span>'
    return dict(re.findall(row, members, re.S))


def test_each_members_objectives_are_counted_met_in_progress_and_not_started(db_session, client, auth):
    lead, cohort, members = _cohort("Financing cohort", 3)
    references = [_give_objectives(m, mix, lead) for m, mix in zip(members, MIXES, strict=True)]
    auth.login(lead)
    html = client.get(f"/collaboratives/{cohort.id}").get_data(as_text=True)
    assert _progress_cells(html) == {
        "Financing cohort member 00": "2 met · 1 in progress · 1 not started",
        "Financing cohort member 01": "0 met · 1 in progress · 2 not started",
        "Financing cohort member 02": "No objectives yet",
    }
    assert "(of 5)" in html  # the dropped objective counts in the total only
    for reference in references:
        assert f'href="/requests/{reference}/objectives"' in html
    # A member's requester sees the sessions, not the other members' progress.
    requester = RequesterFactory(organization=members[1].organization)
    auth.logout()
    auth.login(requester)
    mine = client.get(f"/collaboratives/{cohort.id}").get_data(as_text=True)
    assert "member-progress" not in mine and references[0] not in mine


def _page_queries(client, auth, size: int) -> int:
    lead, cohort, members = _cohort(f"Cohort of {size}", size)
    for i, member in enumerate(members):
        _give_objectives(member, MIXES[i % len(MIXES)], lead)
    auth.login(lead)
    client.get(f"/collaboratives/{cohort.id}")  # warm the session touch
    with StatementCounter(db.engine) as counter:
        html = client.get(f"/collaboratives/{cohort.id}").get_data(as_text=True)
    auth.logout()
    assert len(_progress_cells(html)) == size
    return counter.count


def test_the_cohort_page_query_count_does_not_grow_with_its_members(db_session, client, auth):
    assert _page_queries(client, auth, 2) == _page_queries(client, auth, 8)
