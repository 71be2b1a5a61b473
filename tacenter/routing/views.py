"""Triage, caseload and team pages: parse, call a service or a query, respond."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.models import User
from tacenter.accounts.permissions import require_roles
from tacenter.db import utcnow
from tacenter.errors import DomainError, InvalidTransition, NotFound
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.reports.periods import parse_period, period_choices, quarter_of
from tacenter.routing import engine, queries, services, triage_queries
from tacenter.routing.blueprint import LEADS, WORKERS, bp
from tacenter.routing.forms import AssignForm, BulkAssignForm, ReassignForm, TeamPeriodForm
from tacenter.timeliness.business_days import local_date
from tacenter.workflow import assignment
from tacenter.workflow import services as workflow
from tacenter.workflow.rules import LABELS


def _version(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _render_triage(problem: str | None = None, status: int = 200):
    settings = engine.settings_for_reading()
    page = triage_queries.triage_page(
        current_user, request.args.get("page", 1, type=int) or 1, current_app.config["PAGE_SIZE"]
    )
    why_none: dict[int, list[str]] = {}
    topics: dict[int, list[str]] = {}  # each request's topics by name, read with the fits
    routable, staff = triage_queries.triage_staff(settings)
    ranked = engine.rank_many(
        [r.id for r in page.items],
        today=utcnow().date(),
        settings=settings,
        why_none=why_none,
        requests=[triage_queries.request_facts(r) for r in page.items],
        staff=routable,
        topic_names=topics,
    )
    bulk = BulkAssignForm(formdata=None)
    bulk.assignee_id.choices = options([("", "Each to its top suggestion")] + staff)
    return render_template(
        "routing/triage.html",
        page=page,
        topic_names={request_id: ", ".join(sorted(names)) for request_id, names in topics.items()},
        suggestions={rid: candidates[:3] for rid, candidates in ranked.items()},
        why_none=why_none,
        bulk=bulk,
        problem=problem,
        mode_label=settings.mode_label,
    ), status


@bp.route("/triage")
@require_roles(*LEADS)
def triage():
    return _render_triage()


@bp.route("/triage/<reference>/assign", methods=["POST"])
@require_roles(*LEADS)
def assign(reference: str):
    workflow.get_visible_request(reference, actor=current_user)  # an unknown reference is a 404
    form = AssignForm()
    if not form.validate_on_submit():
        return _render_triage("Choose a staff member to assign.", 400)
    try:
        ta_request = assignment.assign_request(
            reference, form.assignee_id.data, actor=current_user, expected_version=_version(form.version.data)
        )
    except DomainError as error:
        db.session.rollback()
        return _render_triage(f"{reference} was not assigned: {error.message}", error.status)
    flash(f"{reference} was assigned to {ta_request.assignee.name}.", "success")
    return redirect(url_for("routing.triage"))


def _parse_items(values: list[str]) -> list[tuple[str, int | None]]:
    items = []
    for value in values[:200]:
        reference, _, version = value.partition("@")
        if reference:
            items.append((reference[:20], _version(version)))
    return items


@bp.route("/triage/bulk", methods=["POST"])
@require_roles(*LEADS)
def bulk_assign():
    form = BulkAssignForm()
    form.assignee_id.choices = options(
        [("", "Each to its top suggestion")] + queries.staff_options(engine.settings_for_reading())
    )
    items = _parse_items(form.items.data or [])
    if not form.validate_on_submit() or not items:
        return _render_triage("Tick at least one request, then choose who gets them.", 400)
    results = services.bulk_assign(items, form.assignee_id.data, actor=current_user)
    done = [r for r in results if r.ok]
    if done:
        flash(f"Assigned {len(done)}: " + "; ".join(f"{r.reference} {r.message}" for r in done), "success")
    failed = [r for r in results if not r.ok]
    if failed:
        flash("Not assigned: " + "; ".join(f"{r.reference}: {r.message}" for r in failed), "error")
    return redirect(url_for("routing.triage"))


def _render_caseload(
    user, *, heading: str, template: str, reassign_forms=None, status=200, upcoming_events=None
):
    settings = engine.settings_for_reading()
    caseload = queries.caseload(user.id, actor=current_user, now=utcnow(), stalled_days=settings.stalled_days)
    return render_template(
        template,
        person=user,
        heading=heading,
        caseload=caseload,
        stage_labels=LABELS,
        needs_action=queries.NEEDS_ACTION,
        stalled_days=settings.stalled_days,
        staff=queries.staff_options(settings) if reassign_forms is not None else [],
        reassign_forms=reassign_forms or {},
        upcoming_events=upcoming_events,
    ), status


@bp.route("/caseload")
@require_roles(*WORKERS)
def my_caseload():
    from tacenter.group_ta.queries import upcoming_for

    today = local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])
    upcoming = upcoming_for(current_user, today=today)
    response, status = _render_caseload(current_user, heading="My caseload", template="routing/caseload.html",
                                        upcoming_events=upcoming)  # fmt: skip
    return response, status


def _hours_period(key: str, *, today):
    """A fiscal year or quarter from the query string (allow-listed by parse_period);
    anything else is the current fiscal quarter."""
    period, _ = parse_period(key[:20], "", "", today=today)
    if period.key != key.strip().lower():
        year, quarter = quarter_of(today)
        period, _ = parse_period(f"fy{year}q{quarter}", "", "", today=today)
    return period


@bp.route("/team")
@require_roles(*LEADS)
def team():
    settings = engine.settings_for_reading()
    today = local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])
    period = _hours_period(request.args.get("period", ""), today=today)
    form = TeamPeriodForm(formdata=None, period=period.key)
    choices = [c for c in period_choices(today) if c[0] != "custom"]
    if period.key not in dict(choices):
        choices.insert(0, (period.key, period.label))
    form.period.choices = options(choices)
    rows = queries.team(settings, today=today, hours_from=period.start, hours_to=period.end)
    return render_template("routing/team.html", rows=rows, form=form, period=period)


def _team_member(user_id: int):
    person = db.session.get(User, user_id)
    if person is None or person.role not in assignment.ASSIGNABLE_ROLES:
        raise NotFound("There is no TA staff member with that id.")
    return person


@bp.route("/team/<int:staff_id>")
@require_roles(*LEADS)
def member(staff_id: int):
    person = _team_member(staff_id)
    return _render_caseload(
        person, heading=f"Caseload of {person.name}", template="routing/member.html", reassign_forms={}
    )


@bp.route("/requests/<reference>/reassign", methods=["POST"])
@require_roles(*LEADS)
def reassign(reference: str):
    ta_request = workflow.get_visible_request(reference, actor=current_user)
    back_to = ta_request.assignee_id
    form = ReassignForm()
    form.assignee_id.choices = options(queries.staff_options(engine.settings_for_reading()))
    problem = None
    if form.validate_on_submit():
        try:
            services.reassign_request(
                reference,
                form.assignee_id.data,
                actor=current_user,
                note=form.note.data or "",
                expected_version=_version(form.version.data),
            )
        except DomainError as error:
            db.session.rollback()
            problem, status = error.message, error.status
        else:
            flash(f"{reference} was reassigned; both staff members were told.", "success")
            return redirect(
                url_for("routing.member", staff_id=back_to) if back_to else url_for("routing.team")
            )
    else:
        status = 400
    if problem:
        form.form_errors.append(problem)
    if back_to is None:
        # Nothing to rebalance: the request exists, so this is a conflict, not a missing page.
        raise InvalidTransition("This request has no one to reassign from; assign it from triage.")
    person = _team_member(back_to)
    return _render_caseload(
        person,
        heading=f"Caseload of {person.name}",
        template="routing/member.html",
        reassign_forms={reference: form},
        status=status,
    )
