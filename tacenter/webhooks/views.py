"""Admin pages for webhooks: subscribe a URL to events, see each delivery and its attempts, replay."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from tacenter.accounts.permissions import require_roles
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.intake.forms import CheckboxesField
from tacenter.vocab import Role
from tacenter.webhooks import services
from tacenter.webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
admin_only = require_roles(Role.ADMIN)
EVENT_LABELS = {
    EventType.REQUEST_SUBMITTED: "Request submitted",
    EventType.REQUEST_STAGE_CHANGED: "Stage changed",
    EventType.REQUEST_ASSIGNED: "Request assigned",
    EventType.REQUEST_CLOSED: "Request closed",
    EventType.SURVEY_ANSWERED: "Survey answered",
    EventType.EVENT_DELIVERED: "Group TA event delivered",
}


class SubscribeForm(FlaskForm):
    url = StringField(
        "Receiver URL",
        description="https:// in production; private addresses are refused there.",
        validators=[DataRequired(), Length(max=500)],
    )
    description = StringField("Description", validators=[Length(max=200)])
    events = CheckboxesField(
        "Events", choices=options([(e.value, label) for e, label in EVENT_LABELS.items()])
    )


class ActionForm(FlaskForm):
    """A CSRF-checked POST with no fields."""


def _list(form: SubscribeForm, status: int = 200):
    subscriptions = db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id.desc()))
    return render_template(
        "webhooks/list.html",
        form=form,
        subscriptions=list(subscriptions),
        action_form=ActionForm(),
        labels=EVENT_LABELS,
    ), status


@bp.route("/", methods=["GET", "POST"])
@admin_only
def index():
    form = SubscribeForm()
    if not form.validate_on_submit():
        return _list(form, 400 if form.is_submitted() else 200)
    try:
        subscription = services.subscribe(
            form.url.data, form.events.data or [], description=form.description.data or "", actor=current_user
        )
    except DomainError as error:
        form.form_errors.append(error.message)
        return _list(form, 400)
    flash("Subscribed. Give the receiver its signing secret (shown on the webhook's page).", "success")
    return redirect(url_for("webhooks.detail", subscription_id=subscription.id))


@bp.route("/<int:subscription_id>")
@admin_only
def detail(subscription_id: int):
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound("There is no such webhook.")
    deliveries = list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(100)
        )
    )
    attempts: dict[int, list[WebhookAttempt]] = {}
    ids = [d.id for d in deliveries]
    for attempt in db.session.scalars(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)).order_by(WebhookAttempt.id)
    ):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return render_template(
        "webhooks/detail.html",
        subscription=subscription,
        deliveries=deliveries,
        attempts=attempts,
        action_form=ActionForm(),
        labels=EVENT_LABELS,
    )


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
@admin_only
def delete(subscription_id: int):
    if ActionForm().validate_on_submit():
        services.unsubscribe(subscription_id, actor=current_user)
        flash("Unsubscribed: nothing more will be sent to that URL.", "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@admin_only
def replay(delivery_id: int):
    delivery = None
    if ActionForm().validate_on_submit():
        delivery = services.replay(delivery_id, actor=current_user)
        flash("Queued to be sent again (same webhook-id: a receiver that has it ignores it).", "success")
    if delivery is None:
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            raise NotFound("There is no such delivery.")
    return redirect(url_for("webhooks.detail", subscription_id=delivery.subscription_id))
