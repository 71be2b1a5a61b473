"""Read-only views of survey answers for reports: one row per submission, items as columns."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.sql import Subquery

from tacenter.surveys.models import SurveyAnswer, SurveyItem, SurveySubmission


def submissions_wide(purpose: str, numbers: tuple[str, ...] = (), choices: tuple[str, ...] = ()) -> Subquery:
    """Submissions of `purpose` with one column per item code: numbers (ratings, yes/no) and
    single choices. Items are matched by code across versions: a version that lacks an item
    gives NULL there (a report leaves it out of that item's mean, never counts it as zero)."""

    def of(code: str, column):
        return func.max(case((SurveyItem.code == code, column)))

    return (
        select(
            SurveySubmission.id,
            SurveySubmission.ta_request_id,
            SurveySubmission.submitted_at,
            SurveySubmission.version_id,
            *[of(code, SurveyAnswer.number).label(code) for code in numbers],
            *[of(code, SurveyAnswer.choice).label(code) for code in choices],
        )
        .select_from(SurveySubmission)
        .join(SurveyAnswer, SurveyAnswer.submission_id == SurveySubmission.id, isouter=True)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id, isouter=True)
        .where(SurveySubmission.purpose == purpose)
        .group_by(SurveySubmission.id)
        .subquery(purpose)
    )


def request_surveys() -> Subquery:
    """The post-request survey as the dashboard has always read it: usefulness, timeliness and
    goal met per answered request, whichever version was answered."""
    return submissions_wide("post_request", ("usefulness", "timeliness"), ("goal_met",))
