"""Schemas of the 公益创投 API (``/api/v1/grants/``). Names are prefixed ``Grant`` (unique across
apps). Organizations' names are shown; no phone of a person leaves through these."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class GrantCriterionOut(Schema):
    id: int
    name: str
    weight: int
    max_score: int


class GrantCallOut(Schema):
    id: int
    region_code: str
    title: str
    year: int
    budget: Decimal
    max_per_project: Decimal
    categories: list[str]
    opens_on: date
    closes_on: date
    status: str
    drop_extremes: bool
    criteria: list[GrantCriterionOut]

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_criteria(obj: Any) -> Any:
        return list(obj.criteria.all())


class GrantCriterionIn(Schema):
    name: str = Field("", max_length=40)
    weight: int = Field(0, ge=0, le=100)
    max_score: int = Field(100, ge=1, le=1000)
    description: str = Field("", max_length=200)


class GrantCallIn(Schema):
    region: str = Field("", max_length=15, description="主办区域（区或街道）代码")
    title: str = Field("", max_length=200)
    year: int | None = Field(None, ge=2000, le=2100)
    description: str = Field("", max_length=10000)
    needs: str = Field("", max_length=5000, description="需求征集结果")
    budget: str = Field("", max_length=20, description="资助总额（元）")
    max_per_project: str = Field("", max_length=20, description="单个项目资助上限（元）")
    categories: list[str] = Field(default_factory=list, max_length=20)
    opens_on: date | None = None
    closes_on: date | None = None
    review_by: date | None = None
    require_inspection: bool = True
    drop_extremes: bool = False
    criteria: list[GrantCriterionIn] = Field(default_factory=list, max_length=12)


class GrantMoveIn(Schema):
    to: str = Field("", max_length=12, description="reviewing（截止申报）或 closed（结束）")


class GrantFileOut(Schema):
    name: str
    size: int
    url: str = Field(description="下载地址（本系统，登录后按权限下载）")


def file_list(kind: str, pk: int, records: Any) -> list[dict[str, Any]]:
    """A JSON list of stored files as ``GrantFileOut``s: the download URL is ours."""
    from django.urls import reverse

    if not isinstance(records, list):
        return []
    return [
        {"name": str(r.get("name") or ""), "size": int(r.get("size") or 0),
         "url": reverse("grants:file", args=[kind, pk, i])}
        for i, r in enumerate(records)
        if isinstance(r, dict) and r.get("path")
    ]  # fmt: skip


class GrantApplicationOut(Schema):
    id: int
    call_id: int
    region_code: str
    organization: str
    title: str
    category: str
    amount: Decimal
    beneficiary_count: int
    status: str
    eligibility: list[dict[str, Any]]
    eligibility_note: str
    score: Decimal | None
    rank: int | None
    submitted_at: datetime | None
    attachments: list[GrantFileOut]

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_attachments(obj: Any) -> list[dict[str, Any]]:
        return file_list("application", obj.pk, obj.attachments)

    @staticmethod
    def resolve_organization(obj: Any) -> str:
        return obj.social_org.organization.name


class GrantBudgetLineIn(Schema):
    item: str = Field("", max_length=60)
    amount: str = Field("", max_length=20)
    note: str = Field("", max_length=200)


class GrantIndicatorIn(Schema):
    name: str = Field("", max_length=60)
    target: int = Field(0, ge=0, le=100_000_000)
    unit: str = Field("", max_length=10)


class GrantApplicationIn(Schema):
    call: int | None = Field(None, description="申报编号")
    title: str = Field("", max_length=200)
    category: str = Field("", max_length=30)
    summary: str = Field("", max_length=5000)
    beneficiaries: str = Field("", max_length=200)
    beneficiary_count: int = Field(0, ge=0, le=100_000_000)
    amount: str = Field("", max_length=20, description="申请金额（元）")
    self_funded: str = Field("", max_length=20)
    budget_lines: list[GrantBudgetLineIn] = Field(default_factory=list, max_length=30)
    indicators: list[GrantIndicatorIn] = Field(default_factory=list, max_length=20)
    starts_on: date | None = None
    ends_on: date | None = None
    contact_name: str = Field("", max_length=40)
    contact_phone: str = Field("", max_length=20)


class GrantCheckIn(Schema):
    passed: bool | None = None
    note: str = Field("", max_length=500)


class GrantAssignIn(Schema):
    reviewers: list[int] = Field(default_factory=list, max_length=50)
    applications: list[int] | None = Field(None, max_length=500)


class GrantReviewOut(Schema):
    id: int
    application_id: int
    title: str
    organization: str
    conflict: bool | None
    total: Decimal | None
    submitted_at: datetime | None

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.application.title

    @staticmethod
    def resolve_organization(obj: Any) -> str:
        return obj.application.social_org.organization.name


class GrantDeclareIn(Schema):
    conflict: bool | None = None
    note: str = Field("", max_length=300)


class GrantScoreIn(Schema):
    scores: dict[str, str] = Field(default_factory=dict, description="指标编号 → 得分")
    comment: str = Field("", max_length=2000)


class GrantRankOut(Schema):
    application_id: int
    title: str
    organization: str
    amount: Decimal
    score: Decimal | None
    rank: int | None
    scored: int
    pending: int
    conflicts: int


class GrantDecideIn(Schema):
    awards: dict[str, str] = Field(default_factory=dict, description="申报项目编号 → 资助金额")
    note: str = Field("", max_length=500)


class GrantTrancheOut(Schema):
    id: int
    project_id: int
    seq: int
    milestone: str
    amount: Decimal
    status: str
    requested_at: datetime | None
    paid_on: date | None
    voucher_no: str
    evidence: list[GrantFileOut]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[dict[str, Any]]:
        return file_list("evidence", obj.pk, obj.evidence)


class GrantProjectOut(Schema):
    id: int
    call_id: int
    region_code: str
    organization: str
    title: str
    amount: Decimal
    paid: Decimal
    returned: Decimal
    status: str
    agreement_no: str
    signed_on: date | None
    agreement: list[GrantFileOut]
    beneficiaries_reached: int
    tranches: list[GrantTrancheOut]

    @staticmethod
    def resolve_agreement(obj: Any) -> list[dict[str, Any]]:
        return file_list("agreement", obj.pk, obj.agreement)

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_organization(obj: Any) -> str:
        return obj.social_org.organization.name

    @staticmethod
    def resolve_tranches(obj: Any) -> Any:
        return list(obj.tranches.all())


class GrantTranchePlanIn(Schema):
    milestone: str = Field("", max_length=200)
    amount: str = Field("", max_length=20)
    due_on: date | None = None


class GrantSignIn(Schema):
    agreement_no: str = Field("", max_length=40)
    signed_on: date | None = None
    tranches: list[GrantTranchePlanIn] = Field(default_factory=list, max_length=12)
    confirm_early: bool = False


class GrantTrancheRequestIn(Schema):
    report: str = Field("", max_length=5000)


class GrantTrancheDecideIn(Schema):
    approve: bool | None = None
    note: str = Field("", max_length=500)


class GrantPayIn(Schema):
    voucher_no: str = Field("", max_length=40)
    paid_on: date | None = None
