"""Shared data of the charity tests (the ``charity_org`` fixture is in conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong.socialorgs.actions import charity

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def pdf(name="治理制度.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def today():
    return timezone.localdate()


def qualify(so, registrar):
    app = charity.file_application(so, {}, governance_files=[pdf()], actor=registrar)
    return charity.decide_application(app, "granted", actor=registrar)


def plan_data(**overrides):
    values = {
        "title": "暖冬助学募捐",
        "purpose": "资助困难家庭学生",
        "channels": "公益网络平台",
        "starts_on": (today() + timedelta(days=10)).isoformat(),
        "ends_on": (today() + timedelta(days=40)).isoformat(),
        "target_amount": "200000",
    }
    values.update(overrides)
    return values


def fin_data(**overrides):
    values = {
        "year": str(today().year - 1), "income": "1000000", "previous_income": "1000000",
        "total_spending": "900000", "charitable_spending": "800000", "management_cost": "50000",
        "audited": False,
    }  # fmt: skip
    values.update(overrides)
    return values
