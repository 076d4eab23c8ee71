"""The models of the social-organization app, one module per part of the registrar's work.

``records`` holds the registration record (§1); ``common`` what every part shares (the
organization's portal account, 公告, the shape of an attachment, the annual report's outcome).
Each further part adds its own module and one import line here.
"""

from .common import (
    Announcement,
    AnnouncementKind,
    AnnualReport,
    AttachmentBase,
    InspectionConclusion,
    OrgAccount,
    ReportState,
)
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
from .records import CharterVersion, SocialOrg, add_years

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "AnnualReport",
    "AttachmentBase",
    "CharterVersion",
    "DormantCase",
    "DormantGround",
    "DormantOutcome",
    "DormantState",
    "Election",
    "ElectionStep",
    "ExtensionState",
    "InspectionConclusion",
    "OrgAccount",
    "ReportState",
    "SocialOrg",
    "StepKind",
    "TermExtension",
    "TermReminder",
    "add_years",
]
