"""The request page: the request, its forms and its one timeline, composed for `current_user`.

Every feature's view re-renders this page with its own form (keeping what was typed)
when a submission is refused.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from tacenter import bundle
from tacenter.catalog.queries import topic_choices
from tacenter.conversation.forms import NoteForm, ReplyForm
from tacenter.conversation.page_rows import load_page_rows
from tacenter.conversation.services import WRITERS
from tacenter.conversation.timeline import timeline
from tacenter.delivery import queries as delivery
from tacenter.delivery.forms import ActivityForm, GoalForm, StepForm, StepStatusForm
from tacenter.delivery.services import may_work, record_locked
from tacenter.files.forms import AttachForm
from tacenter.formkit import options
from tacenter.intake.editing import may_edit
from tacenter.mailin.tokens import reply_address
from tacenter.timeliness.queries import assess_requests
from tacenter.vocab import Role, Tier
from tacenter.workflow import assignment, rules, services
from tacenter.workflow.forms import AssignForm, StageForm


def _stage_forms(ta_request, stage_form, assign_form):
    transitions = services.allowed_transitions(ta_request, current_user)
    if transitions:  # no move to offer (a requester, a finished request): no form to build
        stage_form = stage_form or StageForm(formdata=None, version=ta_request.version)
        stage_form.target.choices = options([(t.target.value, t.action) for t in transitions])
        stage_form.version.data = ta_request.version
    if current_user.role_enum in (Role.LEAD, Role.ADMIN):
        assign_form = assign_form or AssignForm(formdata=None, assignee_id=ta_request.assignee_id)
        assign_form.assignee_id.choices = options([(u.id, u.name) for u in assignment.assignable_staff()])
        assign_form.version.data = ta_request.version
    else:
        assign_form = None
    return (stage_form if transitions else None), assign_form, {t.target.value for t in transitions}


def activity_form(form=None) -> ActivityForm:
    form = form or ActivityForm(formdata=None)
    form.topic_ids.choices = options(topic_choices())
    return form


def step_form(goals, form=None) -> StepForm:
    form = form or StepForm(formdata=None)
    form.goal_id.choices = options(
        [("", "No particular goal")] + [(str(g.id), g.description[:80]) for g in goals]
    )
    return form


def render_request_page(ta_request, *, status: int = 200, **forms):
    actor = current_user
    stage_form, assign_form, targets = _stage_forms(
        ta_request, forms.get("stage_form"), forms.get("assign_form")
    )
    open_request = ta_request.stage not in rules.FINISHED
    writer = actor.role_enum in WRITERS
    locked = record_locked(ta_request) if actor.is_staff_side else ""
    # Forms to change the TA record only while it is open; a refused one is shown with its reason.
    worker = may_work(ta_request, actor) and not locked
    plan_refused = forms.get("goal_form") or forms.get("step_form")
    rows = load_page_rows(ta_request, actor)
    if "topics" not in ta_request.__dict__:  # the view read the request without them
        set_committed_value(ta_request, "topics", bundle.persistent(rows["topic"]))
    activities = [a for a in rows["activity"] if a.deleted_at is None]
    goals, steps, survey = rows["goal"], rows["step"], rows.survey
    survey_open = (
        actor.role_enum == Role.REQUESTER and ta_request.stage == rules.Stage.CLOSED and survey is None
    )
    return render_template(
        "workflow/detail.html",
        ta_request=ta_request,
        may_edit=may_edit(ta_request, actor),
        stage_form=stage_form,
        stage_targets=targets,
        assign_form=assign_form,
        entries=timeline(ta_request, actor, rows),
        # A refused form is always shown again, with its message and what was typed.
        reply_form=forms.get("reply_form") or (ReplyForm(formdata=None) if writer and open_request else None),
        note_form=forms.get("note_form")
        or (NoteForm(formdata=None) if writer and actor.is_staff_side else None),
        # Staff may also write a note from their mail client: only this address makes one.
        note_address=reply_address(ta_request.id, actor.id, kind="note")
        if writer and actor.is_staff_side and current_app.config["MAIL_IN_ENABLED"]
        else None,
        attach_form=forms.get("attach_form") or (AttachForm(formdata=None) if writer else None),
        record_locked=locked,
        activity_form=activity_form(forms.get("activity_form"))
        if worker or forms.get("activity_form")
        else None,
        activities=activities,
        totals=delivery.totals(activities),
        show_plan=ta_request.tier == Tier.INTENSIVE,
        plan_goals=goals,
        plan_steps=steps,
        goal_form=forms.get("goal_form") or (GoalForm(formdata=None) if worker or plan_refused else None),
        step_form=step_form(goals, forms.get("step_form")) if worker or plan_refused else None,
        status_form=StepStatusForm(formdata=None) if worker else None,
        survey=survey,
        survey_form=survey_open,
        timeliness=assess_requests([ta_request])[ta_request.id] if actor.is_staff_side else None,
        reminders=rows["reminder"],
    ), status
