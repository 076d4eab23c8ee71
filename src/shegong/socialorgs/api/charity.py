"""/api/v1/socialorgs/charity/…: charities and fundraising (issue 14 §6) — qualification
applications (file, decide), fundraising plans (file, supervision log, disclosures) and yearly
figures. Thin adapters: ``charity`` scopes every read (another county's object is a 404, the
same as a missing one), one action per write. Attachments are uploaded on the pages."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.schemas import PagePagination, problem_responses

from .. import charity as q
from .. import queries
from ..actions import charity as actions
from ..models import CharityFinancials, FundraisingApplication, FundraisingPlan

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


# --- schemas --------------------------------------------------------------------------------


class ChecklistRowOut(Schema):
    key: str
    label: str
    source: str
    passed: bool
    detail: str


class FundraisingApplicationOut(Schema):
    id: int
    social_org: int
    social_org_name: str
    filed_on: date
    due_on: date
    clock: str
    overdue: bool
    via_portal: bool
    note: str
    state: str
    state_label: str
    decided_on: date | None
    reasons: str
    checklist: list[ChecklistRowOut]
    documents: list[str]


class FundraisingApplicationFilter(Schema):
    state: str = ""
    year: str = ""
    sort: str = ""


class FundraisingApplicationIn(Schema):
    note: str = ""


class FundraisingDecisionIn(Schema):
    decision: str = ""
    reasons: str = ""


class SupervisionOut(Schema):
    id: int
    checked_on: date
    checked: str
    findings: str


class DisclosureOut(Schema):
    id: int
    disclosed_on: date
    content: str
    final: bool
    documents: list[str]


class FundraisingPlanOut(Schema):
    id: int
    social_org: int
    social_org_name: str
    title: str
    purpose: str
    starts_on: date
    ends_on: date
    channels: str
    target_amount: Decimal
    filed_on: date
    late: bool
    phase: str
    disclosure_due_on: date | None
    disclosure_overdue: bool
    disclosure_state: str


class PlanDetail(FundraisingPlanOut):
    supervision: list[SupervisionOut]
    disclosures: list[DisclosureOut]


class PlanFilter(Schema):
    phase: str = ""
    disclosure: str = ""
    sort: str = ""
    q: str = ""


class FundraisingPlanIn(Schema):
    title: str = ""
    purpose: str = ""
    starts_on: str = ""
    ends_on: str = ""
    channels: str = ""
    target_amount: str = ""


class SupervisionIn(Schema):
    checked_on: str = ""
    checked: str = ""
    findings: str = ""


class DisclosureIn(Schema):
    disclosed_on: str = ""
    content: str = ""
    final: bool = False


class FinancialsOut(Schema):
    id: int
    social_org: int
    social_org_name: str
    year: int
    income: Decimal
    previous_income: Decimal | None
    total_spending: Decimal
    charitable_spending: Decimal
    management_cost: Decimal
    audited: bool
    spending_ratio: Decimal | None
    management_ratio: Decimal | None
    ratios_apply: bool
    flagged: bool
    flags: list[str]
    source: str  # report: 取自年检年报 (the report wins); manual: 手工录入
    report: int | None  # the annual report the figures come from


class FinancialsFilter(Schema):
    year: str = ""
    flagged: str = ""
    audited: str = ""


class FinancialsIn(Schema):
    year: str = ""
    income: str = ""
    previous_income: str = ""
    total_spending: str = ""
    charitable_spending: str = ""
    management_cost: str = ""
    audited: bool = False


# --- output ---------------------------------------------------------------------------------


def application_out(a: FundraisingApplication) -> dict[str, Any]:
    clock = actions.clock(a)
    return {
        "id": a.pk, "social_org": a.social_org_id,
        "social_org_name": a.social_org.organization.name, "filed_on": a.filed_on,
        "due_on": a.due_on, "clock": clock["text"], "overdue": clock["overdue"],
        "via_portal": a.via_portal, "note": a.note, "state": a.state,
        "state_label": a.get_state_display(), "decided_on": a.decided_on, "reasons": a.reasons,
        "checklist": a.checklist, "documents": [d.name for d in a.documents.all()],
    }  # fmt: skip


def plan_out(plan: FundraisingPlan) -> dict[str, Any]:
    row = q.plan_row(plan)
    return {
        "id": plan.pk, "social_org": plan.social_org_id,
        "social_org_name": plan.social_org.organization.name, "title": plan.title,
        "purpose": plan.purpose, "starts_on": plan.starts_on, "ends_on": plan.ends_on,
        "channels": plan.channels, "target_amount": plan.target_amount,
        "filed_on": plan.filed_on, "late": plan.late, "phase": row["phase"],
        "disclosure_due_on": plan.disclosure_due_on, "disclosure_overdue": row["overdue"],
        "disclosure_state": row["disclosure"],
    }  # fmt: skip


def plan_detail(plan: FundraisingPlan) -> dict[str, Any]:
    return {
        **plan_out(plan),
        "supervision": [
            {"id": s.pk, "checked_on": s.checked_on, "checked": s.checked, "findings": s.findings}
            for s in plan.supervision.all()
        ],
        "disclosures": [
            {"id": d.pk, "disclosed_on": d.disclosed_on, "content": d.content, "final": d.final,
             "documents": [f.name for f in d.documents.all()]}
            for d in plan.disclosures.all()
        ],
    }  # fmt: skip


def financials_out(f: CharityFinancials) -> dict[str, Any]:
    names = [
        "year", "income", "previous_income", "total_spending", "charitable_spending",
        "management_cost", "audited", "spending_ratio", "management_ratio", "ratios_apply",
        "flagged", "flags", "source",
    ]  # fmt: skip
    return {
        "id": f.pk, "social_org": f.social_org_id, "report": f.report_id,
        "social_org_name": f.social_org.organization.name,
        **{name: getattr(f, name) for name in names},
    }  # fmt: skip


# --- applications ---------------------------------------------------------------------------


@router.get(
    "/charity/applications", response={200: list[FundraisingApplicationOut], **ERRORS},
    summary="公开募捐资格申请列表", operation_id="socialorgs_charity_applications",
)  # fmt: skip
@paginate(PagePagination)
def list_applications(request: HttpRequest, filters: Query[FundraisingApplicationFilter]) -> Any:
    """本人工作范围内的公开募捐资格申请，含二十日办理期限（剩余/逾期天数）和资格条件核对；
    `state=pending&sort=oldest` 为待审批、最早在前。"""
    return [application_out(a) for a in q.applications(request.auth, **filters.dict())]


@router.get(
    "/charity/applications/{pk}", response={200: FundraisingApplicationOut, **ERRORS},
    summary="公开募捐资格申请详情", operation_id="socialorgs_charity_application",
)  # fmt: skip
def get_application(request: HttpRequest, pk: int) -> Any:
    return application_out(q.access_application(request.auth, pk))


@router.post(
    "/{pk}/charity/applications", response={201: FundraisingApplicationOut, **ERRORS},
    summary="代为申请公开募捐资格", operation_id="socialorgs_charity_apply",
)  # fmt: skip
def file_application(request: HttpRequest, pk: int, payload: FundraisingApplicationIn) -> Any:
    """登记管理机关代社会组织提交公开募捐资格申请（材料请在页面上传）；已注销等组织返回 409。"""
    so = queries.access_social_org(request.auth, pk)
    found = actions.file_application(so, payload.dict(), actor=request.auth)
    return Status(201, application_out(q.access_application(request.auth, found.pk)))


@router.post(
    "/charity/applications/{pk}/decision", response={200: FundraisingApplicationOut, **ERRORS},
    summary="作出公开募捐资格决定", operation_id="socialorgs_charity_decide",
)  # fmt: skip
def decide(request: HttpRequest, pk: int, payload: FundraisingDecisionIn) -> Any:
    """`decision`: `granted` 准予（资格条件须全部符合）或 `refused` 不予（`reasons` 必填）。"""
    found = q.access_application(request.auth, pk)
    actions.decide_application(found, payload.decision, reasons=payload.reasons, actor=request.auth)
    return application_out(q.access_application(request.auth, pk))


# --- plans ----------------------------------------------------------------------------------


@router.get(
    "/charity/plans", response={200: list[FundraisingPlanOut], **ERRORS},
    summary="募捐方案列表", operation_id="socialorgs_charity_plans",
)  # fmt: skip
@paginate(PagePagination)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> Any:
    """`phase`: upcoming/active/ended；`disclosure=overdue` 为信息公开逾期的方案。"""
    return [plan_out(p) for p in q.plans(request.auth, **filters.dict())]


@router.get(
    "/charity/plans/{pk}", response={200: PlanDetail, **ERRORS},
    summary="募捐方案详情（含监督检查和信息公开）", operation_id="socialorgs_charity_plan",
)  # fmt: skip
def get_plan(request: HttpRequest, pk: int) -> Any:
    return plan_detail(q.access_plan(request.auth, pk))


@router.post(
    "/{pk}/charity/plans", response={201: PlanDetail, **ERRORS},
    summary="募捐方案备案", operation_id="socialorgs_charity_file_plan",
)  # fmt: skip
def file_plan(request: HttpRequest, pk: int, payload: FundraisingPlanIn) -> Any:
    """只有具有公开募捐资格的组织可以备案；募捐开始后才备案的标记为逾期备案。"""
    so = queries.access_social_org(request.auth, pk)
    plan = actions.file_plan(so, payload.dict(), actor=request.auth)
    return Status(201, plan_detail(q.access_plan(request.auth, plan.pk)))


@router.post(
    "/charity/plans/{pk}/supervision", response={201: PlanDetail, **ERRORS},
    summary="记录募捐监督检查", operation_id="socialorgs_charity_supervise",
)  # fmt: skip
def supervise(request: HttpRequest, pk: int, payload: SupervisionIn) -> Any:
    plan = q.access_plan(request.auth, pk)
    actions.log_supervision(plan, payload.dict(), actor=request.auth)
    return Status(201, plan_detail(q.access_plan(request.auth, pk)))


@router.post(
    "/charity/plans/{pk}/disclosures", response={201: PlanDetail, **ERRORS},
    summary="记录募捐信息公开", operation_id="socialorgs_charity_disclose",
)  # fmt: skip
def disclose(request: HttpRequest, pk: int, payload: DisclosureIn) -> Any:
    """`final=true` 为募捐结束后的全面公开；记录后重新计算下次公开期限。"""
    plan = q.access_plan(request.auth, pk)
    actions.record_disclosure(plan, payload.dict(), actor=request.auth)
    return Status(201, plan_detail(q.access_plan(request.auth, pk)))


# --- financials -----------------------------------------------------------------------------


@router.get(
    "/charity/financials", response={200: list[FinancialsOut], **ERRORS},
    summary="慈善组织年度财务列表", operation_id="socialorgs_charity_financials",
)  # fmt: skip
@paginate(PagePagination)
def list_financials(request: HttpRequest, filters: Query[FinancialsFilter]) -> Any:
    """`flagged=1` 支出比例不达标；`audited=1` 已完成年度审计。"""
    return [financials_out(f) for f in q.financials(request.auth, **filters.dict())]


@router.post(
    "/{pk}/charity/financials", response={200: FinancialsOut, **ERRORS},
    summary="录入慈善组织年度财务", operation_id="socialorgs_charity_save_financials",
)  # fmt: skip
def save_financials(request: HttpRequest, pk: int, payload: FinancialsIn) -> Any:
    """同一年度再次提交即更正；`audited=true` 须已在页面上传审计报告。"""
    so = queries.access_social_org(request.auth, pk)
    fin = actions.save_financials(so, payload.dict(), actor=request.auth)
    return financials_out(q.access_financials(request.auth, fin.pk))
