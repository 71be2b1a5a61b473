"""Imports every feature's tables so Alembic and create_all see the whole schema."""

from tacenter.accounts.models import LoginSession, Organization, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.delivery.models import SurveyResponse, TAActivity, ta_activity_topic
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.invitations.models import Invitation
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.reports.models import FunderReport
from tacenter.workflow.models import Assignment, StageChange

__all__ = [
    "Assignment",
    "EmailOutbox",
    "FunderReport",
    "GrantProgram",
    "Invitation",
    "LoginSession",
    "Notification",
    "Organization",
    "StageChange",
    "SurveyResponse",
    "TAActivity",
    "TARequest",
    "Topic",
    "User",
    "ta_activity_topic",
    "ta_request_topic",
]
