"""Shared builders of the inspection tests (issue 14 §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong.socialorgs.actions import inspection, records
from shegong.socialorgs.demo import credit_code

AUTHORITY = "示范区民政局"


def pdf(name: str = "财务报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def at(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def org(org_data: Any, serial: int, *, registrar: Any = None, **overrides: Any) -> Any:
    values = {
        "name": f"测试协会{serial:03d}",
        "credit_code": credit_code("association", "341271", serial),
        "registration_number": f"皖民证字第{serial:05d}号",
    }
    values.update(overrides)
    if "org_type" in overrides:
        values["credit_code"] = credit_code(overrides["org_type"], "341271", serial)
    return records.register_social_org(org_data(**values), actor=registrar)


def open_year(district: Any, year: int, actor: Any = None, **extra: Any) -> Any:
    data = {"authority": AUTHORITY, "region": district["district"].code, "year": year, **extra}
    return inspection.open_year(data, actor=actor)


FORM = {
    "activities": "开展书法培训12期，服务群众600人次",
    "income": "120000",
    "expenditure": "98000.50",
    "charitable_spending": "50000",
    "management_cost": "8000",
    "net_assets": "230000",
    "staff_count": "3",
    "party_org": "joint",
}


def filled(
    report: Any, actor: Any = None, *, kinds: tuple[str, ...] = ("financial", "certificate")
):
    """Fill the form and upload the materials of ``kinds``."""
    inspection.save_report(report, FORM, actor=actor)
    for kind in kinds:
        inspection.add_attachments(report, kind, [pdf(f"{kind}.pdf")], actor=actor)
    report.refresh_from_db()
    return report


def concluded(report: Any, conclusion: str, *, grounds: tuple[str, ...] = (), when: Any = None):
    """Take a report through submit, 初审 (paper, if it has a supervisor), 核验 and a
    conclusion, as the system."""
    filled(report)
    inspection.submit_report(report, actor=None, at=when)
    if report.social_org.supervisor:
        inspection.supervisor_review(report, passed=True, note="", actor=None, at=when)
    inspection.verify_report(
        report, {"verified_on": "2026-04-10", "findings": "材料齐全", "verified_by": "核验员"},
        actor=None,
    )  # fmt: skip
    return inspection.conclude_report(report, conclusion, grounds=grounds, actor=None, at=when)
