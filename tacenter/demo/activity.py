"""What happens on a demo request once someone has it: replies, notes, TA activities, surveys."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from tacenter.conversation.models import MessageKind
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import DeliveryMode, Tier
from tacenter.workflow.rules import Stage

MODE_WEIGHTS = {
    DeliveryMode.VIRTUAL_MEETING: 40,
    DeliveryMode.PHONE_EMAIL: 25,
    DeliveryMode.ON_SITE: 6,
    DeliveryMode.WEBINAR_TRAINING: 12,
    DeliveryMode.PEER_LEARNING: 10,
    DeliveryMode.RESOURCE_REFERRAL: 7,
}
HOURS_BY_MODE = {  # (lowest, highest) hours of one activity
    DeliveryMode.VIRTUAL_MEETING: (0.5, 2),
    DeliveryMode.PHONE_EMAIL: (0.25, 1),
    DeliveryMode.ON_SITE: (4, 8),
    DeliveryMode.WEBINAR_TRAINING: (1, 3),
    DeliveryMode.PEER_LEARNING: (1, 2),
    DeliveryMode.RESOURCE_REFERRAL: (0.25, 0.75),
}


REPLIES = [
    ("staff", "Thanks for the detail. Could you share the current draft and who else should join?"),
    ("requester", "Attached is our draft. Our evaluation lead and two supervisors will join."),
    ("staff", "Here are three resources to read before we meet, and a proposed agenda."),
    ("requester", "That agenda works for us. Thursday afternoons are best."),
]
NOTES = [
    "Similar to last year's request from this state; reuse the workforce materials.",
    "Follow up in two weeks.",
]


def conversation(talk, row: dict, requester, assignee, until: datetime, messages: list) -> list[dict]:
    """A few replies (and now and then an internal note), before `until`, on requests someone
    has picked up; returns those it added."""
    if assignee is None:
        return []
    at, added = row["submitted_at"], []
    for role, body in REPLIES[: talk.randint(0, len(REPLIES))]:
        at = min(until, at + timedelta(hours=talk.uniform(1, 72)))
        author = assignee if role == "staff" else requester
        added.append(message(row["id"], MessageKind.REPLY, author, body, at))
    if talk.random() < 0.3:
        added.append(message(row["id"], MessageKind.NOTE, assignee, talk.choice(NOTES), at))
    messages.extend(added)
    return added


def message(request_id: int, kind: MessageKind, author, body: str, at: datetime) -> dict:
    return {
        "ta_request_id": request_id,
        "kind": kind.value,
        "author_id": author.id,
        "body": body,
        "body_html": f"<p>{body}</p>",  # plain demo text: nothing to sanitize
        "created_at": at,
    }


def delivery(rng, row: dict, assignee, tz: str, now: datetime, activities: list, surveys: list) -> None:
    """TA activities between assignment and delivery, and a survey for closed requests."""
    if row.get("delivered_at") is None or assignee is None:
        return
    start, end = local_date(row["assigned_at"], tz), local_date(row["delivered_at"], tz)
    modes, weights = list(MODE_WEIGHTS), list(MODE_WEIGHTS.values())
    for _ in range(rng.randint(1, 4) if row["tier"] != Tier.INTENSIVE.value else rng.randint(3, 8)):
        mode = rng.choices(modes, weights)[0]
        low, high = HOURS_BY_MODE[mode]
        activities.append(
            {
                "ta_request_id": row["id"],
                "activity_date": start + timedelta(days=rng.randint(0, max(0, (end - start).days))),
                "hours": Decimal(rng.randint(int(low * 4), int(high * 4))) / 4,
                "mode": mode.value,
                "participant_count": rng.randint(1, 40 if mode == DeliveryMode.WEBINAR_TRAINING else 8),
                "participant_roles": "Program staff",
                "staff_id": assignee.id,
                "created_at": row["delivered_at"],
                "updated_at": row["delivered_at"],
            }
        )
    if row["stage"] == Stage.CLOSED.value and rng.random() < 0.7:
        surveys.append(
            {
                "ta_request_id": row["id"],
                "respondent_id": row["requester_id"],
                "usefulness": rng.choices([2, 3, 4, 5], [1, 3, 8, 10])[0],
                "timeliness": rng.choices([2, 3, 4, 5], [2, 4, 8, 7])[0],
                "goal_met": rng.choices(["yes", "partly", "no"], [12, 5, 1])[0],
                "comment": "",
                "submitted_at": min(now, row["finished_at"] + timedelta(hours=rng.uniform(1, 120))),
            }
        )
