"""Read-only queries for the TA record on the request page: activities, totals, plan, survey."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from tacenter.delivery.models import PlanGoal, PlanStep, TAActivity
from tacenter.extensions import db
from tacenter.surveys.models import SurveySubmission


@dataclass
class ActivityTotals:
    count: int
    hours: Decimal
    participants: int


def activities_for(ta_request_id: int) -> list[TAActivity]:
    return list(
        db.session.scalars(
            select(TAActivity)
            .where(TAActivity.ta_request_id == ta_request_id, TAActivity.deleted_at.is_(None))
            .order_by(TAActivity.activity_date, TAActivity.id)
        )
    )


def totals(activities: list[TAActivity]) -> ActivityTotals:
    return ActivityTotals(
        count=len(activities),
        hours=sum((a.hours for a in activities), Decimal("0")),
        participants=sum(a.participant_count for a in activities),
    )


def plan_for(ta_request_id: int) -> tuple[list[PlanGoal], list[PlanStep]]:
    goals = list(
        db.session.scalars(
            select(PlanGoal).where(PlanGoal.ta_request_id == ta_request_id).order_by(PlanGoal.id)
        )
    )
    steps = list(
        db.session.scalars(
            select(PlanStep)
            .where(PlanStep.ta_request_id == ta_request_id)
            .order_by(PlanStep.target_date.asc().nulls_last(), PlanStep.id)
        )
    )
    return goals, steps


def survey_for(ta_request_id: int) -> SurveySubmission | None:
    """The request's post-request survey answer, with the version it answered."""
    return db.session.scalar(
        select(SurveySubmission).where(
            SurveySubmission.ta_request_id == ta_request_id, SurveySubmission.purpose == "post_request"
        )
    )
