"""A small center's records, built through the app's own services, for the import and export tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.registry.models import Grant
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request, decline_request
from tests.factories import (
    OrganizationFactory,
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    submit,
)


def build_center():
    """Topics, programs, organizations (one tribal, spanning states), grants, people, requests in
    several stages with their history, activities (one deleted), and awkward text."""
    topics = [TopicFactory(name="Home visiting"), TopicFactory(name="Financing and Medicaid")]
    launch = ProgramFactory(name="Project LAUNCH")
    ours = OrganizationFactory(name="Peña County Health", state="NM", external_id="ORG-1")
    tribal = OrganizationFactory(name="=Four Corners Tribal Health", org_type="tribal", state="AZ",
                                 other_states="NM;UT", is_tribal=True)  # fmt: skip
    db.session.add(Grant(grant_number="SM-23-0001", organization_id=ours.id, program_id=launch.id,
                         project_start=date(2023, 9, 30), project_end=date(2028, 9, 29),
                         gpo_name="Gail Officer", gpo_email="gail@samhsa.example",
                         project_director="Dana Director"))  # fmt: skip
    db.session.commit()
    admin = UserFactory(role="admin", email="ada@center.example")
    lead = UserFactory(role="lead", email="lee@center.example")
    staff = UserFactory(role="staff", email="sam@center.example")
    rosa = RequesterFactory(email="rosa@pena.example", organization=ours)
    tia = RequesterFactory(email="tia@fourcorners.example", organization=tribal)
    t0 = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
    closed = submit(rosa, topics[0], now=t0, title="Dyadic billing, 2024", description="+1 line\nsecond line")
    assign_request(closed.reference, staff.id, actor=lead, now=datetime(2024, 3, 6, 15, tzinfo=UTC))
    change_stage(closed.reference, "in_progress", actor=staff, now=datetime(2024, 3, 7, 15, tzinfo=UTC))
    change_stage(closed.reference, "delivered", actor=staff, now=datetime(2024, 4, 1, 15, tzinfo=UTC))
    close_request(closed.reference, goal_met="yes", outcome_summary="A billing guide.", actor=staff,
                  now=datetime(2024, 4, 10, 15, tzinfo=UTC))  # fmt: skip
    declined = submit(tia, topics[1], now=datetime(2024, 5, 1, 15, tzinfo=UTC), title="Out of scope ask")
    decline_request(declined.reference, reason="Out of our scope", actor=lead,
                    now=datetime(2024, 5, 2, 15, tzinfo=UTC))  # fmt: skip
    fresh = submit(tia, topics[0], now=datetime(2025, 1, 6, 15, tzinfo=UTC), title="New question")
    for n, deleted in ((1, None), (2, datetime(2024, 4, 2, tzinfo=UTC))):
        db.session.add(TAActivity(ta_request_id=closed.id, activity_date=date(2024, 3, 20 + n),
                                  hours=Decimal("1.25") * n, mode="virtual_meeting", participant_count=3,
                                  participant_roles="@home visitors", staff_id=staff.id, topics=[topics[0]],
                                  deleted_at=deleted, note="Call"))  # fmt: skip
    db.session.commit()
    return {"admin": admin, "closed": closed, "declined": declined, "fresh": fresh, "staff": staff}
