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
    TAActivity,
    ta_activity_topic,
)
from tacenter.files.models import Attachment
from tacenter.group_ta.models import (
    Collaborative,
    CollaborativeMember,
    Event,
    EventAttendance,
    EventFacilitator,
    EventMaterial,
    MembershipChange,
    event_topic,
)
from tacenter.health.models import ServiceHeartbeat
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.invitations.models import Invitation
from tacenter.mailin.models import InboundMessage
from tacenter.notifications.models import EmailOutbox, Notification, NotificationPreference
from tacenter.outcomes.models import FollowUp, ObjectiveChange, PlanObjective
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
from tacenter.surveys.models import (
    InstrumentVersion,
    SurveyAnswer,
    SurveyInstrument,
    SurveyItem,
    SurveySubmission,
)
from tacenter.timeliness.models import TimelinessTarget
from tacenter.twofactor.models import Passkey, RecoveryCode, TotpCredential
from tacenter.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tacenter.workflow.models import Assignment, StageChange

__all__ = [
    "FollowUp",
    "InstrumentVersion",
    "ObjectiveChange",
    "PlanObjective",
    "SurveyAnswer",
    "SurveyInstrument",
    "SurveyItem",
    "SurveySubmission",
    "Collaborative",
    "CollaborativeMember",
    "Event",
    "EventAttendance",
    "EventFacilitator",
    "EventMaterial",
    "MembershipChange",
    "event_topic",
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
    "TAActivity",
    "TARequest",
    "TimelinessTarget",
    "Topic",
    "User",
    "ta_activity_topic",
    "staff_program",
    "ta_request_topic",
]
