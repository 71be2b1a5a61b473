"""Profile, availability and settings pages (on the routing blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.routing import engine, profiles, queries
from tacenter.routing.blueprint import LEADS, WORKERS, bp
from tacenter.routing.forms import AbsenceForm, ProfileForm, SettingsForm
from tacenter.routing.models import DEFAULTS, Level
from tacenter.vocab import STATES, Role


@bp.route("/profiles")
@require_roles(*LEADS)
def profile_list():
    return render_template("routing/profiles.html", rows=queries.profiles_overview(), states=STATES)


def _profile_form(user_id: int, *, submitted: bool) -> ProfileForm:
    if submitted:
        form = ProfileForm()
    else:
        profile = queries.profile_of(user_id)
        form = ProfileForm(
            formdata=None,
            capacity=profile.capacity if profile else 6.0,
            active=profile.active if profile else True,
            backup_user_id=profile.backup_user_id if profile else None,
            primary_topic_ids=[e.topic_id for e in profile.expertise if e.level == Level.PRIMARY.value]
            if profile
            else [],
            secondary_topic_ids=[e.topic_id for e in profile.expertise if e.level == Level.SECONDARY.value]
            if profile
            else [],
            states=profile.state_codes if profile else [],
            program_ids=[p.id for p in profile.programs] if profile else [],
        )
    topics = options(topic_choices())
    form.primary_topic_ids.choices = topics
    form.secondary_topic_ids.choices = list(topics)
    form.program_ids.choices = options(program_choices())
    form.backup_user_id.choices = options(
        [("", "No backup")]
        + [(uid, label) for uid, label in queries.staff_options(engine.current_settings()) if uid != user_id]
    )
    return form


@bp.route("/profiles/<int:staff_id>", methods=["GET", "POST"])
@require_roles(*LEADS)
def edit_profile(staff_id: int):
    user_id = staff_id
    person = profiles.routable_user(user_id)
    form = _profile_form(user_id, submitted=request.method == "POST")
    if form.validate_on_submit():
        values = profiles.ProfileValues(
            capacity=float(form.capacity.data),
            active=bool(form.active.data),
            backup_user_id=form.backup_user_id.data,
            primary_topic_ids=form.primary_topic_ids.data or [],
            secondary_topic_ids=form.secondary_topic_ids.data or [],
            states=form.states.data or [],
            program_ids=form.program_ids.data or [],
        )
        try:
            profiles.save_profile(user_id, values, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            flash(f"{person.name}'s profile was saved.", "success")
            return redirect(url_for("routing.profile_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("routing/profile.html", form=form, person=person), status


def _availability_page(user_id: int, form: AbsenceForm | None = None, status: int = 200):
    person = profiles.routable_user(user_id)
    return render_template(
        "routing/availability.html",
        person=person,
        form=form or AbsenceForm(formdata=None),
        absences=queries.absences_of(user_id, today=utcnow().date()),
        own=person.id == current_user.id,
    ), status


def _check_availability_access(user_id: int) -> None:
    if not profiles.may_edit_availability(current_user, user_id):
        abort(404)


@bp.route("/availability")
@require_roles(*WORKERS)
def my_availability():
    return redirect(url_for("routing.availability", staff_id=current_user.id))


@bp.route("/availability/<int:staff_id>", methods=["GET", "POST"])
@require_roles(*WORKERS)
def availability(staff_id: int):
    user_id = staff_id
    _check_availability_access(user_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            profiles.add_absence(
                user_id, form.starts_on.data, form.ends_on.data, form.note.data or "", actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return _availability_page(user_id, form, 400)
        flash("The time away was added.", "success")
        return redirect(url_for("routing.availability", staff_id=user_id))
    if form.is_submitted():
        return _availability_page(user_id, form, 400)
    return _availability_page(user_id, AbsenceForm(formdata=None))


@bp.route("/availability/<int:staff_id>/<int:absence_id>/delete", methods=["POST"])
@require_roles(*WORKERS)
def delete_absence(staff_id: int, absence_id: int):
    user_id = staff_id
    _check_availability_access(user_id)  # CSRFProtect has already checked the token
    profiles.remove_absence(absence_id, actor=current_user)
    flash("The time away was removed.", "success")
    return redirect(url_for("routing.availability", staff_id=user_id))


@bp.route("/routing/settings", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def routing_settings():
    settings = engine.current_settings()
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in DEFAULTS}
        values["require_topic"] = bool(values["require_topic"])
        values["require_state"] = bool(values["require_state"])
        try:
            profiles.save_settings(values, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_template("routing/settings.html", form=form), 400
        flash("The routing settings were saved.", "success")
        return redirect(url_for("routing.routing_settings"))
    return render_template("routing/settings.html", form=form), 400 if form.is_submitted() else 200
