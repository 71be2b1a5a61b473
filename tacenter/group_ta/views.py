"""Event pages: the list (staff: filters; requesters: their organization's), plan and edit,
the event page with attendance, status and materials, and its calendar file."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.event_surveys import services as event_surveys
from tacenter.event_surveys.views import survey_url
from tacenter.extensions import db
from tacenter.formkit import kept_fields, options
from tacenter.group_ta import ics, materials, permissions, queries, services
from tacenter.group_ta.blueprint import bp
from tacenter.group_ta.forms import AttendanceForm, EventFilterForm, EventForm, MaterialForm, StatusForm
from tacenter.group_ta.models import Collaborative
from tacenter.qr import qr_svg
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

PLANNERS = (Role.STAFF, Role.LEAD, Role.ADMIN)


def _today():
    return local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])


def _topics():
    return queries.all_topics()


@bp.route("/events")
@signed_in
def event_list():
    if current_user.role_enum == Role.REQUESTER:  # no filters: their organization's few events
        events = queries.events_for(current_user, queries.EventFilters(), table=True)
        return render_template("group_ta/my_events.html", events=events)
    form = EventFilterForm(request.args)
    form.topic.choices = options([("", "Any topic"), *_topics()])
    form.facilitator.choices = options([("", "Anyone"), *queries.staff_people()])
    form.validate()
    filters = queries.EventFilters(
        event_type=form.type.data if not form.type.errors else "",
        topic=form.topic.data if not form.topic.errors else None,
        facilitator=form.facilitator.data if not form.facilitator.errors else None,
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not form.end.errors else None,
    )
    events = queries.events_for(current_user, filters, table=True)
    return render_template(
        "group_ta/events.html",
        events=events,
        # The filters' markup (some 60 options) is kept per catalog version, language and state.
        filter_fields=kept_fields("group_ta/_event_filters.html", form),
        may_plan=permissions.may_create_event(current_user),
    )


def _event_form(form: EventForm) -> EventForm:
    people = queries.staff_people()
    form.facilitator_ids.choices = options(people)
    form.owner_id.choices = options([("", "The first facilitator"), *people])
    form.topic_ids.choices = options(_topics())
    cohorts = db.session.execute(
        db.select(Collaborative.id, Collaborative.name).order_by(Collaborative.name)
    ).all()
    form.collaborative_id.choices = options([("", "None: a one-off event"), *cohorts])
    return form


def _values(form: EventForm) -> services.EventValues:
    return services.EventValues(
        title=form.title.data or "",
        description=form.description.data or "",
        event_type=form.event_type.data,
        tier=form.tier.data,
        event_date=form.event_date.data,
        start_time=form.start_time.data,
        duration_hours=form.duration_hours.data or "",
        facilitator_ids=form.facilitator_ids.data or [],
        owner_id=form.owner_id.data,
        topic_ids=form.topic_ids.data or [],
        language=form.language.data,
        mode=form.mode.data,
        in_person_count=form.in_person_count.data or 0,
        virtual_count=form.virtual_count.data or 0,
        non_grantee_count=form.non_grantee_count.data or 0,
        collaborative_id=form.collaborative_id.data,
    )


@bp.route("/events/new", methods=["GET", "POST"])
@require_roles(*PLANNERS)
def new_event():
    form = _event_form(EventForm())
    if not form.is_submitted():
        form.facilitator_ids.data = [current_user.id]
        cohort = request.args.get("collaborative", "")
        if cohort.isdigit() and len(cohort) < 10:
            form.collaborative_id.data, form.tier.data = int(cohort), "intensive"
    status = 200
    if form.validate_on_submit():
        try:
            event = services.create_event(_values(form), actor=current_user)
            flash("The event was planned.", "success")
            return redirect(url_for("group_ta.event_detail", event_id=event.id))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("group_ta/event_form.html", form=form, event=None), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@require_roles(*PLANNERS)
def edit_event(event_id: int):
    event = services.get_visible_event(event_id, actor=current_user)
    # The form's own data on a POST: a missing field is an error, never the event's stored value.
    form = _event_form(EventForm() if request.method == "POST" else EventForm(obj=event))
    if not form.is_submitted():
        form.duration_hours.data = str(event.duration_hours)
        form.facilitator_ids.data = [f.user_id for f in event.facilitators]
        form.topic_ids.data = [t.id for t in event.topics]
        form.version.data = str(event.version)
    status = 200
    if form.validate_on_submit():
        try:
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            services.update_event(event_id, _values(form), version=version, actor=current_user)
            flash("The event was changed.", "success")
            return redirect(url_for("group_ta.event_detail", event_id=event_id))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("group_ta/event_form.html", form=form, event=event), status


def _render_event(event_id: int, status: int = 200, **forms):
    event = services.get_visible_event(event_id, actor=current_user)
    shared = queries.materials_of(event.id)
    if current_user.role_enum == Role.REQUESTER:
        return render_template("group_ta/my_event.html", event=event, materials=shared), status
    attendance = queries.attendance_of(event.id)
    add = forms.get("attendance_form") or AttendanceForm(formdata=None)
    add.organization_id.choices = options(queries.organization_choices())
    add.version.data = str(event.version)
    status_form = forms.get("status_form") or StatusForm(formdata=None, status=event.status)
    status_form.version.data = str(event.version)
    link = survey_url(event.id)
    survey = {
        "url": link,
        "qr": qr_svg(link),
        "state": event_surveys.survey_state(event),
        "closes_on": event_surveys.closes_on(event),
        "rate": event_surveys.response_rate(event),
    }
    return render_template(
        "group_ta/event.html",
        event=event,
        attendance=attendance,
        materials=shared,
        attendance_form=add,
        status_form=status_form,
        material_form=forms.get("material_form") or MaterialForm(formdata=None),
        may_edit=permissions.may_edit_event(event, current_user),
        survey=survey,
        participants=sum(a.participant_count for a in attendance) + event.non_grantee_count,
    ), status


@bp.route("/events/<int:event_id>")
@signed_in
def event_detail(event_id: int):
    return _render_event(event_id)


def _version(raw: str | None) -> int | None:
    return int(raw) if (raw or "").isdigit() and len(raw) < 10 else None


def _back(event_id: int, anchor: str = ""):
    return redirect(url_for("group_ta.event_detail", event_id=event_id, _anchor=anchor or None))


@bp.route("/events/<int:event_id>/attendance", methods=["POST"])
@require_roles(*PLANNERS)
def record_attendance(event_id: int):
    form = AttendanceForm()
    form.organization_id.choices = options(queries.organization_choices())
    if not form.validate_on_submit():
        return _render_event(event_id, 400, attendance_form=form)
    try:
        services.record_attendance(
            event_id,
            form.organization_id.data,
            form.participant_count.data,
            form.roles.data or "",
            version=_version(form.version.data),
            actor=current_user,
            replace=request.form.get("replace") == "1",
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_event(event_id, error.status, attendance_form=form)
    flash("The attendance was saved.", "success")
    return _back(event_id, "attendance")


@bp.route("/events/<int:event_id>/attendance/<int:organization_id>/remove", methods=["POST"])
@require_roles(*PLANNERS)
def remove_attendance(event_id: int, organization_id: int):
    services.remove_attendance(event_id, organization_id, version=_version(request.form.get("version")),
                               actor=current_user)  # fmt: skip
    flash("The organization was taken off the attendance.", "success")
    return _back(event_id, "attendance")


@bp.route("/events/<int:event_id>/status", methods=["POST"])
@require_roles(*PLANNERS)
def change_status(event_id: int):
    form = StatusForm()
    if not form.validate_on_submit():
        return _render_event(event_id, 400, status_form=form)
    try:
        services.change_status(
            event_id,
            form.status.data,
            version=_version(form.version.data),
            actor=current_user,
            today=_today(),
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_event(event_id, error.status, status_form=form)
    flash("The event's status was changed.", "success")
    return _back(event_id)


@bp.route("/events/<int:event_id>/materials", methods=["POST"])
@require_roles(*PLANNERS)
def add_material(event_id: int):
    form = MaterialForm()
    if not form.validate_on_submit():
        return _render_event(event_id, 400, material_form=form)
    try:
        materials.add_material(event_id, form.title.data, form.url.data, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_event(event_id, error.status, material_form=form)
    flash("The material is shared with the attendees.", "success")
    return _back(event_id, "materials")


@bp.route("/events/<int:event_id>/calendar.ics")
@signed_in
def event_calendar(event_id: int):
    event = services.get_visible_event(event_id, actor=current_user)
    domain = urlparse(current_app.config["BASE_URL"]).hostname or "tacenter"
    body = ics.event_calendar(event, tz=current_app.config["CENTER_TIMEZONE"], domain=domain, now=utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )
