"""Builders the 公益创投 tests share: an open call of the district, an application by the portal
account, the path from submission to a decided call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

CRITERIA = [
    {"name": "需求契合度", "weight": 40, "max_score": 100},
    {"name": "项目设计", "weight": 30, "max_score": 100},
    {"name": "组织能力", "weight": 30, "max_score": 100},
]


def call_data(district: Any, **over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "region": district["district"].code, "title": "2026年度社区公益创投", "year": today.year,
        "budget": "120000", "max_per_project": "20000", "categories": ["为老服务", "青少年"],
        "needs": "独居老人探访、青少年课后托管", "opens_on": today - timedelta(days=1),
        "closes_on": today + timedelta(days=20), "criteria": CRITERIA, "drop_extremes": True,
    }  # fmt: skip
    data.update(over)
    return data


def open_call(actor: Any, district: Any, **over: Any) -> Any:
    from shegong.grants.actions import calls

    call = calls.save_call(actor, **call_data(district, **over))
    return calls.open_call(actor, call)


def app_data(**over: Any) -> dict[str, Any]:
    data = {
        "title": "银龄守望", "category": "为老服务", "summary": "为独居老人每周上门探访",
        "beneficiaries": "东关社区独居老人", "beneficiary_count": 300, "amount": "15000",
        "budget_lines": [
            {"item": "活动物资", "amount": "9000"}, {"item": "志愿者补贴", "amount": "6000"}
        ],
        "indicators": [{"name": "上门探访", "target": 200, "unit": "次"}],
        "contact_name": "李四", "contact_phone": "13912340000",
    }  # fmt: skip
    data.update(over)
    return data


def submitted(org_user: Any, call: Any, **over: Any) -> Any:
    from shegong.grants.actions import applications

    app = applications.save_application(org_user, call, **app_data(**over))
    return applications.submit(org_user, app)


def org_account(district: Any, org: Any, phone: str | None = None) -> Any:
    from shegong import testing
    from shegong.core.perms import Role
    from shegong.socialorgs.actions import accounts

    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="组织账号", phone=phone)
    accounts.link_org_account(org, user.phone, actor=None)
    return user


def reviewing(manager: Any, call: Any, apps: list[Any], reviewers: list[Any]) -> Any:
    """Check every application eligible, close applications and assign the reviewers."""
    from shegong.grants.actions import applications, calls, reviews

    calls.move_call(manager, call, "reviewing")
    for app in apps:
        applications.check(manager, app, passed=True)
    reviews.assign(manager, call, reviewers=[r.pk for r in reviewers])
    return call


def score_all(call: Any, reviewers: list[Any], marks: dict[int, list[int]]) -> None:
    """``marks``: application pk → one mark per reviewer (the same on every criterion)."""
    from shegong.grants.actions import reviews
    from shegong.grants.models import Review

    criteria = list(call.criteria.all())
    for app_pk, values in marks.items():
        for reviewer, value in zip(reviewers, values, strict=False):
            review = Review.objects.get(application_id=app_pk, reviewer=reviewer)
            reviews.declare(reviewer, review, conflict=False)
            reviews.score(reviewer, review, scores={c.pk: value for c in criteria})


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "项目申报书.pdf") -> Any:
    """A small upload that passes the document check."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def bad_file(name: str = "说明.exe") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"MZ\x90\x00not a document")
