"""Everything the request page shows of one request's history and record, in one statement
(tacenter/bundle.py): stage changes, edits, files, messages, plan changes, the plan, the survey
answer, the request's topics and the people named; for the staff side also assignments,
activities with their topics and history, who was notified, reminders, and the survey answer's
items (conversation/page_survey.py).

What `actor` may not see is not read at all: internal notes, assignments, activities,
notifications and reminders are staff-only, exactly as in the queries they replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, bindparam, select, union

from tacenter import bundle
from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.conversation import page_survey
from tacenter.conversation.models import Message
from tacenter.conversation.queries import visible_kinds
from tacenter.delivery.models import (
    ActivityHistory,
    PlanChange,
    PlanGoal,
    PlanStep,
    TAActivity,
    ta_activity_topic,
)
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.intake.models import RequestChange, TARequest, ta_request_topic
from tacenter.notifications.models import EmailOutbox, Notification, NotificationPreference
from tacenter.reminders.models import ReminderSent
from tacenter.surveys.models import SurveySubmission
from tacenter.workflow.models import Assignment, StageChange

# model, its people (relationship -> foreign key), its order; read for everyone / staff only
_SHARED = {
    "stage": (StageChange, {"actor": "actor_id"}, lambda r: (r.created_at, r.id)),
    "edit": (RequestChange, {"actor": "actor_id"}, lambda r: r.id),
    "file": (Attachment, {"uploader": "uploader_id"}, lambda r: r.id),
    "message": (Message, {"author": "author_id"}, lambda r: (r.created_at, r.id)),
    "plan": (PlanChange, {"actor": "actor_id"}, lambda r: r.id),
    "goal": (PlanGoal, {}, lambda r: r.id),
    "step": (PlanStep, {}, lambda r: (r.target_date is None, r.target_date or date.min, r.id)),
    "survey": (SurveySubmission, {}, lambda r: r.id),
}
_STAFF = {
    "assignment": (
        Assignment,
        {"assignee": "assignee_id", "assigned_by": "assigned_by_id"},
        lambda r: (r.assigned_at, r.id),
    ),
    "activity_history": (ActivityHistory, {"actor": "actor_id"}, lambda r: r.id),
    "activity": (TAActivity, {"staff": "staff_id"}, lambda r: (r.activity_date, r.id)),
    "reminder": (ReminderSent, {}, lambda r: (r.sent_at, r.id)),
}
_USER_COLUMNS = ("id", "name", "role", "organization_id", "active")


@dataclass
class PageRows:
    rows: dict = field(default_factory=dict)  # key -> list of transient instances, in order
    told: list = field(default_factory=list)  # (created_at, kind, name, emailed, pending, mode)
    survey: SurveySubmission | None = None  # the post-request survey answer

    def __getitem__(self, key: str) -> list:
        return self.rows.get(key, [])


def _where(model, key: str, ta_request_id, kinds: tuple[str, ...]):
    query = bundle.model_select(model).where(model.ta_request_id == ta_request_id)
    if key == "message":
        query = query.where(Message.kind.in_(kinds))
    if key == "survey":
        query = query.where(SurveySubmission.purpose == "post_request")
    return query


def _topics(link, link_column, ta_request_id_column, ta_request_id):
    return (
        bundle.model_select(Topic)
        .add_columns(link_column.label("link_id"))
        .join_from(Topic, link, link.c.topic_id == Topic.id)
        .where(ta_request_id_column == ta_request_id)
    )


def _told(ta_request_id):
    return (
        select(
            Notification.id,
            Notification.created_at,
            Notification.kind,
            User.name,
            EmailOutbox.id.is_not(None).label("emailed"),
            Notification.digest_pending,
            NotificationPreference.email_mode,
        )
        .join_from(Notification, User, User.id == Notification.user_id)
        .outerjoin_from(Notification, EmailOutbox, EmailOutbox.notification_id == Notification.id)
        .outerjoin_from(
            Notification, NotificationPreference, NotificationPreference.user_id == Notification.user_id
        )
        .where(Notification.ta_request_id == ta_request_id)
    )


_BUNDLES: dict[tuple, bundle.Bundle] = {}


def _bundle(staff: bool, kinds: tuple[str, ...], dialect) -> bundle.Bundle:
    """The page's statement for one side (staff or requester), built once per process."""
    key = (staff, kinds, dialect.name)
    if key not in _BUNDLES:
        pieces = dict(_SHARED, **(_STAFF if staff else {}))
        rid = bindparam("ta_request_id", type_=Integer)
        branches = {key: _where(model, key, rid, kinds) for key, (model, _, _) in pieces.items()}
        branches["topic"] = _topics(
            ta_request_topic, ta_request_topic.c.ta_request_id, ta_request_topic.c.ta_request_id, rid
        )
        people = [
            select(getattr(model, fk)).where(model.ta_request_id == rid)
            for model, links, _ in pieces.values()
            for fk in links.values()
        ]
        branches["user"] = bundle.model_select(User, only=_USER_COLUMNS).where(User.id.in_(union(*people)))
        if staff:
            branches["activity_topic"] = _topics(
                ta_activity_topic, ta_activity_topic.c.ta_activity_id, TAActivity.ta_request_id, rid
            ).join_from(ta_activity_topic, TAActivity, TAActivity.id == ta_activity_topic.c.ta_activity_id)
            branches["told"] = _told(rid)
            branches.update(page_survey.branches(rid))
        _BUNDLES[key] = bundle.Bundle(branches, dialect)
    return _BUNDLES[key]


def load_page_rows(ta_request: TARequest, actor: User) -> PageRows:
    """One statement for all of the page's lists; see the module's docstring."""
    pieces = dict(_SHARED, **(_STAFF if actor.is_staff_side else {}))
    rid = ta_request.id
    loader = _bundle(actor.is_staff_side, tuple(visible_kinds(actor)), db.session.get_bind().dialect)
    raw = loader.load(ta_request_id=rid)
    users = {u.id: u for u in bundle.instances(User, raw["user"])}
    page = PageRows()
    for key, (model, links, order) in pieces.items():
        made = sorted(bundle.instances(model, raw[key]), key=order)
        for relationship, fk in links.items():
            bundle.link(made, relationship, fk, users)
        page.rows[key] = made
    page.rows["topic"] = sorted(_topic_lists(raw["topic"]).get(rid, []), key=lambda t: t.name)
    if actor.is_staff_side:
        _link_activities(page, _topic_lists(raw["activity_topic"]))
        page.told = [
            (t["created_at"], t["kind"], t["name"], t["emailed"], t["digest_pending"], t["email_mode"])
            for t in sorted(raw["told"], key=lambda t: t["id"])
        ]
    page.survey = next(iter(page["survey"]), None)
    if page.survey is not None and actor.is_staff_side:  # the staff read its answers' summary
        page.survey = page_survey.assemble(page.survey, raw)
    goals = {g.id: g for g in page["goal"]}
    bundle.link(page["step"], "goal", "goal_id", goals)
    return page


def _topic_lists(rows: list[dict]) -> dict[int, list[Topic]]:
    lists: dict[int, list[Topic]] = {}
    for row in rows:
        link_id = row.pop("link_id")
        lists.setdefault(link_id, []).extend(bundle.instances(Topic, [row]))
    for topics in lists.values():
        topics.sort(key=lambda t: t.id)
    return lists


def _link_activities(page: PageRows, topics: dict[int, list[Topic]]) -> None:
    by_id = {a.id: a for a in page["activity"]}
    for activity in page["activity"]:
        bundle.set_list(activity, "topics", topics.get(activity.id, []))
    bundle.link(page["activity_history"], "activity", "ta_activity_id", by_id)
