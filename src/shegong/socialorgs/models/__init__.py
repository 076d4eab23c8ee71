"""The models of the social-organization app, one module per part of the registrar's work.

``records`` holds the registration record (§1); ``common`` what every part shares (the
organization's portal account, 公告, the shape of an attachment, the annual report's outcome).
Each further part adds its own module and one import line here.
"""

from .charity import (
    ApplicationDocument,
    ApplicationDocumentKind,
    ApplicationState,
    AuditReport,
    CharityFinancials,
    Disclosure,
    DisclosureDocument,
    FinancialsSource,
    FundraisingApplication,
    FundraisingPlan,
    SupervisionEntry,
)
from .common import (
    Announcement,
    AnnouncementKind,
    AnnualReport,
    AttachmentBase,
    InspectionConclusion,
    OrgAccount,
    ReportState,
)
from .credit import CreditEvent, CreditListing, ListKind, Rectification, ReturnedLetter
from .election import (
    DormantCase,
    DormantGround,
    DormantOutcome,
    DormantState,
    Election,
    ElectionStep,
    ExtensionState,
    StepKind,
    TermExtension,
    TermReminder,
)
from .events import Application, ApplicationAttachment, Penalty
from .inspection import (
    Cutoff,
    Ground,
    InspectionPlan,
    MaterialKind,
    PartyOrg,
    ReportAttachment,
)
from .records import CharterVersion, SocialOrg, add_years
from .screening import (
    Interview,
    InterviewAttachment,
    Lead,
    LeadOutcome,
    LeadSource,
    LeadState,
    ScreeningRound,
    ScreeningVisit,
)

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "AnnualReport",
    "Application",
    "ApplicationAttachment",
    "ApplicationDocument",
    "ApplicationDocumentKind",
    "ApplicationState",
    "AttachmentBase",
    "AuditReport",
    "CharityFinancials",
    "CharterVersion",
    "CreditEvent",
    "CreditListing",
    "Cutoff",
    "Disclosure",
    "DisclosureDocument",
    "DormantCase",
    "DormantGround",
    "DormantOutcome",
    "DormantState",
    "Election",
    "ElectionStep",
    "ExtensionState",
    "FinancialsSource",
    "FundraisingApplication",
    "FundraisingPlan",
    "Ground",
    "InspectionConclusion",
    "InspectionPlan",
    "Interview",
    "InterviewAttachment",
    "Lead",
    "LeadOutcome",
    "LeadSource",
    "LeadState",
    "ListKind",
    "MaterialKind",
    "OrgAccount",
    "PartyOrg",
    "Penalty",
    "Rectification",
    "ReportAttachment",
    "ReportState",
    "ReturnedLetter",
    "ScreeningRound",
    "ScreeningVisit",
    "SocialOrg",
    "StepKind",
    "SupervisionEntry",
    "TermExtension",
    "TermReminder",
    "add_years",
]
