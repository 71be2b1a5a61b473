"""/api/v1: organizations and their grants, topics and programs, staff, survey answers and the
report figures. Reads only; each uses the rule of the page that shows the same data."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from tacenter.accounts.models import Organization, User
from tacenter.api.access import allow, anyone, staff_side
from tacenter.api.schemas import Ref
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import utcnow
from tacenter.errors import NotFound
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.registry.models import Grant
from tacenter.reports import queries as reports
from tacenter.reports.filters import ReportFilters
from tacenter.surveys.models import SurveySubmission
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import STAFF_SIDE, Role
from tacenter.workflow.assignment import ASSIGNABLE_ROLES

bp = Blueprint(
    "api_directory", __name__, url_prefix="/api/v1", description="Organizations, catalog, staff, reports"
)


class GrantSchema(Schema):
    id = fields.Integer(required=True)
    grant_number = fields.String(required=True)
    program = fields.Nested(Ref, required=True)
    project_start = fields.Date(required=True)
    project_end = fields.Date(required=True)
    project_director = fields.String(required=True)


class OrganizationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    org_type = fields.String(required=True)
    state = fields.String(required=True)
    status = fields.String(required=True)
    grants = fields.List(fields.Nested(GrantSchema), required=True)


class CatalogEntrySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_es = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)


class StaffSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)
    assignable = fields.Boolean(required=True)


class ItemAnswerSchema(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True)
    value = fields.Raw(required=True, metadata={"description": "A number (rating 1-5, yes/no 1/0), a "
                                                "choice code, a list of codes, or text."})  # fmt: skip


class SurveyAnswerSchema(Schema):
    """One filled-in instrument, with the version it answered (old answers keep their meaning)."""

    reference = fields.String(required=True)
    purpose = fields.String(required=True, metadata={"description": "post_request, follow_up_30, …"})
    instrument = fields.String(required=True)
    version = fields.Integer(required=True)
    locale = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    answers = fields.List(fields.Nested(ItemAnswerSchema), required=True)


class FigureSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    current = fields.Float(required=True, allow_none=True)
    previous = fields.Float(required=True, allow_none=True)
    change = fields.Float(required=True, allow_none=True)
    unit = fields.String(required=True)
    definition = fields.String(required=True)


class FiguresSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    label = fields.String(required=True)
    figures = fields.List(fields.Nested(FigureSchema), required=True)


class FigureArgs(Schema):
    period = fields.String(
        validate=validate.Length(max=40),
        metadata={"description": "As on the dashboard, e.g. fy2026, fy2026q1, custom."},
    )
    start = fields.Date()
    end = fields.Date()
    program = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    topic = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    staff = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    state = fields.String(validate=validate.Length(max=2))
    org_type = fields.String(validate=validate.Length(max=32))
    tier = fields.String(validate=validate.Length(max=16))


def _visible_organizations():
    """Staff side: every organization. A requester: their own only (as on the pages)."""
    query = select(Organization).order_by(Organization.name)
    if current_user.role_enum in STAFF_SIDE:
        return query
    return query.where(Organization.id == current_user.organization_id)


def _with_grants(orgs: list[Organization]) -> list[dict]:
    ids = [o.id for o in orgs]
    grants: dict[int, list[Grant]] = {}
    for grant in db.session.scalars(
        select(Grant).where(Grant.organization_id.in_(ids)).order_by(Grant.grant_number)
    ):
        grants.setdefault(grant.organization_id, []).append(grant)
    return [
        {
            **{k: getattr(o, k) for k in ("id", "name", "org_type", "state", "status")},
            "grants": grants.get(o.id, []),
        }
        for o in orgs
    ]


@bp.route("/organizations")
@anyone
@bp.response(200, OrganizationSchema(many=True))
def organizations():
    """Organizations with their grants (requesters: their own organization)."""
    return _with_grants(list(db.session.scalars(_visible_organizations().limit(5000)).unique()))


@bp.route("/organizations/<int:org_id>")
@anyone
@bp.response(200, OrganizationSchema)
def organization(org_id: int):
    """One organization with its grants, if you may see it."""
    org = (
        db.session.scalar(_visible_organizations().where(Organization.id == org_id))
        if org_id < 2**31
        else None
    )
    if org is None:
        raise NotFound("There is no organization with that id that you can see.")
    return _with_grants([org])[0]


@bp.route("/topics")
@anyone
@bp.response(200, CatalogEntrySchema(many=True))
def topics():
    """Topic areas (inactive ones too, flagged: old requests may carry them)."""
    return list(db.session.scalars(select(Topic).order_by(Topic.name)))


@bp.route("/programs")
@anyone
@bp.response(200, CatalogEntrySchema(many=True))
def programs():
    """Grant programs."""
    return list(db.session.scalars(select(GrantProgram).order_by(GrantProgram.name)))


@bp.route("/staff")
@staff_side
@bp.response(200, StaffSchema(many=True))
def staff():
    """The center's people (staff side only), and whether each may be assigned requests."""
    people = db.session.scalars(
        select(User).where(User.role.in_([r.value for r in STAFF_SIDE]), User.active).order_by(User.name)
    )
    return [
        {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "role": u.role,
            "assignable": u.role in ASSIGNABLE_ROLES,
        }
        for u in people
    ]


@bp.route("/survey-answers")
@staff_side
@bp.response(200, SurveyAnswerSchema(many=True))
def survey_answers():
    """Survey answers about requests (after a request, follow-ups), newest first (staff side; at
    most 1,000), each with its instrument's version and one entry per answered item."""
    visible = visible_requests(current_user).with_only_columns(TARequest.id)
    rows = db.session.execute(
        select(SurveySubmission, TARequest.reference)
        .join(TARequest, TARequest.id == SurveySubmission.ta_request_id)
        .where(SurveySubmission.ta_request_id.in_(visible))
        .order_by(SurveySubmission.submitted_at.desc(), SurveySubmission.id.desc())
        .limit(1000)
    )
    return [
        {
            "reference": ref,
            "purpose": sub.purpose,
            "instrument": sub.version.instrument.kind,
            "version": sub.version.number,
            "locale": sub.locale,
            "submitted_at": sub.submitted_at,
            "answers": [
                {"code": item.code, "label": item.label, "kind": item.kind, "value": sub.value(item.code)}
                for item in sub.version.items
                if sub.value(item.code) not in (None, "", [])
            ],
        }
        for sub, ref in rows
    ]


@bp.route("/reports/figures")
@allow(Role.LEADERSHIP, Role.LEAD, Role.ADMIN)
@bp.arguments(FigureArgs, location="query", as_kwargs=True, unknown=RAISE)
@bp.response(200, FiguresSchema)
def figures(**args):
    """The dashboard's headline figures for a period (leadership, leads and admins)."""
    tz = current_app.config["CENTER_TIMEZONE"]
    values = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in args.items()}
    filters = ReportFilters.from_args(values, today=local_date(utcnow(), tz))
    period = filters.period
    return {
        "start": period.start,
        "end": period.end,
        "label": str(period.label),
        "figures": reports.headline(filters, tz=tz, now=utcnow()),
    }
