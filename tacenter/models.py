"""Imports every feature's tables so Alembic and create_all see the whole schema."""

from tacenter.accounts.models import LoginSession, Organization, User
from tacenter.api.models import ApiToken
from tacenter.audit.models import AuditArchive, AuditChainHead, AuditEvent
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.center.models import CenterSettings
from tacenter.conversation.models import Message
from tacenter.delivery.models import (
    ActivityHistory,
    PlanGoal,
    PlanStep,
    SurveyResponse,
    TAActivity,
    ta_activity_topic,
)
from tacenter.files.models import Attachment
from tacenter.health.models import ServiceHeartbeat
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.invitations.models import Invitation
from tacenter.mailin.models import InboundMessage
from tacenter.notifications.models import EmailOutbox, Notification, NotificationPreference
from tacenter.records.models import ImportJob, ImportRowError
from tacenter.registry.models import Grant, OrganizationEvent
from tacenter.reminders.models import DigestSent, ReminderSent
from tacenter.reports.models import FunderReport
from tacenter.routing.models import (
    RoutingSettings,
    StaffAbsence,
    StaffExpertise,
    StaffProfile,
    StaffState,
    staff_program,
)
from tacenter.sso.models import SsoIdentity
from tacenter.timeliness.models import TimelinessTarget
from tacenter.twofactor.models import Passkey, RecoveryCode, TotpCredential
from tacenter.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tacenter.workflow.models import Assignment, StageChange

__all__ = [
    "ApiToken",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "ActivityHistory",
    "Passkey",
    "RecoveryCode",
    "SsoIdentity",
    "TotpCredential",
    "AuditArchive",
    "AuditChainHead",
    "AuditEvent",
    "Attachment",
    "CenterSettings",
    "Message",
    "PlanGoal",
    "PlanStep",
    "Assignment",
    "DigestSent",
    "EmailOutbox",
    "FunderReport",
    "Grant",
    "GrantProgram",
    "InboundMessage",
    "ImportJob",
    "ImportRowError",
    "OrganizationEvent",
    "Invitation",
    "LoginSession",
    "Notification",
    "NotificationPreference",
    "Organization",
    "RoutingSettings",
    "StaffAbsence",
    "StaffExpertise",
    "StaffProfile",
    "StaffState",
    "ReminderSent",
    "ServiceHeartbeat",
    "StageChange",
    "SurveyResponse",
    "TAActivity",
    "TARequest",
    "TimelinessTarget",
    "Topic",
    "User",
    "ta_activity_topic",
    "staff_program",
    "ta_request_topic",
]
