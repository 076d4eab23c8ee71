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
from .credit import CreditEvent, CreditListing, ListKind, Rectification, ReturnedLetter
from .records import CharterVersion, SocialOrg, add_years

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "AnnualReport",
    "AttachmentBase",
    "CharterVersion",
    "CreditEvent",
    "CreditListing",
    "InspectionConclusion",
    "ListKind",
    "OrgAccount",
    "Rectification",
    "ReportState",
    "ReturnedLetter",
    "SocialOrg",
    "add_years",
]
