"""/api/v1/socialorgs/inspections…: the annual inspection (the list is …/inspections/reports:
/api/v1/socialorgs/{pk} is an organization) — issue 14 §3. Thin adapters over
``inspections`` (scoped reads: another street's report is a 404) and ``actions.inspection``
(the same actions as the pages). The organization's own account files through
/api/v1/socialorgs/portal/inspections…; another organization's report is a 404 there too."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.errors import NotFound
from shegong.core.schemas import PagePagination, problem_responses

from .. import inspections, supervision
from ..actions import inspection as actions
from ..models import AnnualReport, Ground
from ..portal import is_org_account, portal_org

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


class AnnualReportOut(Schema):
    id: int
    social_org: int
    name: str
    credit_code: str
    org_type: str
    year: int
    state: str
    state_label: str
    submitted_at: datetime | None
    late: bool
    conclusion: str
    conclusion_label: str
    concluded_at: datetime | None

    @staticmethod
    def resolve_social_org(obj: AnnualReport) -> int:
        return obj.social_org_id

    @staticmethod
    def resolve_name(obj: AnnualReport) -> str:
        return obj.social_org.organization.name

    @staticmethod
    def resolve_credit_code(obj: AnnualReport) -> str:
        return obj.social_org.organization.credit_code or ""

    @staticmethod
    def resolve_org_type(obj: AnnualReport) -> str:
        return obj.social_org.org_type

    @staticmethod
    def resolve_state_label(obj: AnnualReport) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_conclusion_label(obj: AnnualReport) -> str:
        return obj.get_conclusion_display() if obj.conclusion else ""


class ReportAttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    uploaded_at: datetime


class AnnualReportDetail(AnnualReportOut):
    due: date
    needs_rectification: bool
    activities: str
    income: Decimal | None
    expenditure: Decimal | None
    charitable_spending: Decimal | None
    management_cost: Decimal | None
    net_assets: Decimal | None
    staff_count: int | None
    party_org: str
    supervisor_result: str
    supervisor_note: str
    supervisor_on_paper: bool
    verified_on: date | None
    verified_by: str
    findings: str
    grounds: list[str]
    grounds_labels: list[str]
    conclusion_note: str
    corrections: str
    missing: list[str]
    attachments: list[ReportAttachmentOut]

    @staticmethod
    def resolve_due(obj: AnnualReport) -> date:
        return actions.filing_due(obj)

    @staticmethod
    def resolve_grounds_labels(obj: AnnualReport) -> list[str]:
        labels = dict(Ground.choices)
        return [labels.get(g, g) for g in obj.grounds or []]

    @staticmethod
    def resolve_missing(obj: AnnualReport) -> list[str]:
        return actions.missing_materials(obj)

    @staticmethod
    def resolve_attachments(obj: AnnualReport) -> list[Any]:
        return list(obj.attachments.all())


class AnnualReportFilter(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度")
    region: str = ""
    org_type: str = ""
    state: str = ""
    conclusion: str = ""
    late: str = ""
    worklist: str = ""
    done: str = ""
    required: str = ""
    audit: str = ""
    q: str = ""
    sort: str = ""


class AnnualReportIn(Schema):
    activities: str = ""
    income: str = ""
    expenditure: str = ""
    charitable_spending: str = ""
    management_cost: str = ""
    net_assets: str = ""
    staff_count: str = ""
    party_org: str = ""


class SupervisorIn(Schema):
    passed: bool = False
    note: str = ""


class VerifyIn(Schema):
    verified_on: str = ""
    findings: str = ""
    verified_by: str = ""


class ReportReturnIn(Schema):
    reasons: str = ""


class ConcludeIn(Schema):
    conclusion: str = ""
    grounds: list[str] = []
    note: str = ""


class InspectionPlanIn(Schema):
    authority: str
    region: str
    year: int = Field(ge=1949, le=2100, description="年检年度")
    cutoff: str = "12-31"
    supervisor_due: str = ""
    registrar_due: str = ""
    require_certificate: bool = True
    grounds: list[str] = []


class InspectionPlanOut(Schema):
    id: int
    authority: str
    year: int
    cutoff: str
    supervisor_due: date
    registrar_due: date
    required: int

    @staticmethod
    def resolve_required(obj: Any) -> int:
        return obj.reports.count()


class RateRowOut(Schema):
    key: str
    label: str
    completed: int
    required: int
    percent: float | None


class RateOut(Schema):
    year: int
    total: RateRowOut
    by_region: list[RateRowOut]
    by_type: list[RateRowOut]


def _detail(user: Any, pk: int) -> AnnualReport:
    return inspections.access_report(user, pk)


# --- the registrar ----------------------------------------------------------------------------


@router.get(
    "/inspections/reports",
    response={200: list[AnnualReportOut], **ERRORS},
    summary="年检年报列表",
    operation_id="socialorgs_inspections_list",
)
@paginate(PagePagination)
def list_reports(request: HttpRequest, filters: Query[AnnualReportFilter]) -> Any:
    """本人工作范围内的年检报告，可按年度、区划、类型、办理状态、结论、是否逾期、工作清单
    （supervisor 待初审、verify 待核验、conclude 待作结论、warning 拟警告、revoke 拟撤销）筛选。"""
    return inspections.filtered(request.auth, **filters.dict())


@router.get(
    "/inspections/rate",
    response={200: RateOut, **ERRORS},
    summary="年检率",
    operation_id="socialorgs_inspections_rate",
)
def rate(request: HttpRequest, year: int = Query(..., ge=1949, le=2100)) -> Any:
    """年检率 = 结论为合格、基本合格、不合格的数 ÷ 应参检数，合计、按街道、按类型。"""
    table = inspections.rate_table(request.auth, year)
    rows = {
        key: [{**r.__dict__, "percent": r.percent} for r in value]
        for key, value in table.items()
        if key != "total"
    }
    total = table["total"]
    return {"year": year, "total": {**total.__dict__, "percent": total.percent}, **rows}


@router.post(
    "/inspections/years",
    response={201: InspectionPlanOut, **ERRORS},
    summary="开启年检年度",
    operation_id="socialorgs_inspections_open",
)
def open_year(request: HttpRequest, payload: InspectionPlanIn) -> Any:
    """开启一个登记管理机关的年度年检，按参检范围确定应参检名单（此后固定）。"""
    data = payload.dict()
    data["grounds"] = data["grounds"] or None
    return Status(201, actions.open_year(data, actor=request.auth))


@router.get(
    "/inspections/{pk}",
    response={200: AnnualReportDetail, **ERRORS},
    summary="年检报告详情",
    operation_id="socialorgs_inspections_detail",
)
def detail(request: HttpRequest, pk: int) -> Any:
    """一份年检报告：报告书内容、材料、初审、线下核验、结论及依据。"""
    return _detail(request.auth, pk)


@router.post(
    "/inspections/{pk}/supervisor",
    response={200: AnnualReportDetail, **ERRORS},
    summary="业务主管单位初审",
    operation_id="socialorgs_inspections_supervisor",
)
def supervisor(request: HttpRequest, pk: int, payload: SupervisorIn) -> Any:
    """业务主管单位初审（登记管理机关可代录纸质初审）；退回须填写意见。"""
    report = _detail(request.auth, pk)
    actions.supervisor_review(report, passed=payload.passed, note=payload.note, actor=request.auth)
    return _detail(request.auth, pk)


@router.post(
    "/inspections/{pk}/verify",
    response={200: AnnualReportDetail, **ERRORS},
    summary="记录线下核验",
    operation_id="socialorgs_inspections_verify",
)
def verify(request: HttpRequest, pk: int, payload: VerifyIn) -> Any:
    """记录线下核验：核验日期、核验人（默认本人）、核验情况。"""
    actions.verify_report(_detail(request.auth, pk), payload.dict(), actor=request.auth)
    return _detail(request.auth, pk)


@router.post(
    "/inspections/{pk}/return",
    response={200: AnnualReportDetail, **ERRORS},
    summary="退回组织修改",
    operation_id="socialorgs_inspections_return",
)
def return_report(request: HttpRequest, pk: int, payload: ReportReturnIn) -> Any:
    """退回组织修改，原因组织可见。"""
    actions.return_report(_detail(request.auth, pk), payload.reasons, actor=request.auth)
    return _detail(request.auth, pk)


@router.post(
    "/inspections/{pk}/conclude",
    response={200: AnnualReportDetail, **ERRORS},
    summary="作出年检结论",
    operation_id="socialorgs_inspections_conclude",
)
def conclude(request: HttpRequest, pk: int, payload: ConcludeIn) -> Any:
    """结论 pass 合格、basic 基本合格、fail 不合格；基本合格、不合格须从依据清单选择依据。"""
    actions.conclude_report(
        _detail(request.auth, pk), payload.conclusion, grounds=payload.grounds,
        note=payload.note, actor=request.auth,
    )  # fmt: skip
    return _detail(request.auth, pk)


# --- the business supervisor (业务主管单位) ------------------------------------------------------


class SupervisionReportOut(AnnualReportOut):
    supervisor_due: date | None
    overdue: bool
    supervisor_result: str

    @staticmethod
    def resolve_supervisor_due(obj: AnnualReport) -> date | None:
        return obj.plan.supervisor_due if obj.plan else None

    @staticmethod
    def resolve_overdue(obj: AnnualReport) -> bool:
        return supervision.overdue(obj)


class SupervisionFilter(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年度")
    state: Literal["pending", "reviewed", "all"] = Field(
        "pending", description="pending 待初审（默认）、reviewed 已初审、all 全部"
    )


@router.get(
    "/supervision/reports",
    response={200: list[SupervisionReportOut], **ERRORS},
    summary="业务主管单位：待初审的年检报告",
    operation_id="socialorgs_supervision_list",
)
@paginate(PagePagination)
def supervision_reports(request: HttpRequest, filters: Query[SupervisionFilter]) -> Any:
    """本人所在部门作为业务主管单位的社会组织已提交的年检报告，提交最早的在前；默认待初审。"""
    return supervision.filtered(request.auth, year=filters.year, state=filters.state)


@router.get(
    "/supervision/reports/{pk}",
    response={200: AnnualReportDetail, **ERRORS},
    summary="业务主管单位：年检报告详情",
    operation_id="socialorgs_supervision_detail",
)
def supervision_report(request: HttpRequest, pk: int) -> Any:
    """本部门主管的社会组织的一份年检报告（报告书、材料、初审记录）；其他单位主管的为404。"""
    return supervision.access_report(request.auth, pk)


@router.post(
    "/supervision/reports/{pk}/review",
    response={200: AnnualReportDetail, **ERRORS},
    summary="业务主管单位：作出初审意见",
    operation_id="socialorgs_supervision_review",
)
def supervision_review(request: HttpRequest, pk: int, payload: SupervisorIn) -> Any:
    """初审通过（报送登记管理机关），或退回/不通过（须填写意见，组织修改后重新提交）。"""
    report = supervision.access_report(request.auth, pk)
    actions.supervisor_review(report, passed=payload.passed, note=payload.note, actor=request.auth)
    return supervision.access_report(request.auth, pk)


# --- the organization's own account -----------------------------------------------------------


def _own(user: Any, pk: int) -> AnnualReport:
    if not is_org_account(user):
        raise NotFound(actions.REPORT_NOT_FOUND)
    found = (
        AnnualReport.objects.filter(pk=pk, social_org=portal_org(user))
        .select_related("social_org__organization", "plan")
        .first()
    )
    if found is None:
        raise NotFound(actions.REPORT_NOT_FOUND)
    return found


@router.get(
    "/portal/inspections",
    response={200: list[AnnualReportOut], **ERRORS},
    summary="本组织的年检年报",
    operation_id="socialorgs_portal_inspections",
)
def my_reports(request: HttpRequest) -> Any:
    """社会组织账号：本组织各年度的年检报告（最新在前）。"""
    so = portal_org(request.auth)
    return list(so.annual_reports.select_related("social_org__organization").order_by("-year"))


@router.get(
    "/portal/inspections/{pk}",
    response={200: AnnualReportDetail, **ERRORS},
    summary="本组织的年检报告",
    operation_id="socialorgs_portal_inspection",
)
def my_report(request: HttpRequest, pk: int) -> Any:
    """社会组织账号：本组织的一份年检报告（含结论和退回修改意见）。"""
    return _own(request.auth, pk)


@router.post(
    "/portal/inspections/{pk}",
    response={200: AnnualReportDetail, **ERRORS},
    summary="保存年检报告书草稿",
    operation_id="socialorgs_portal_inspection_save",
)
def save(request: HttpRequest, pk: int, payload: AnnualReportIn) -> Any:
    """保存报告书（草稿可不完整，提交时检查）。"""
    actions.save_report(_own(request.auth, pk), payload.dict(), actor=request.auth)
    return _own(request.auth, pk)


@router.post(
    "/portal/inspections/{pk}/files",
    response={200: AnnualReportDetail, **ERRORS},
    summary="上传年检材料",
    operation_id="socialorgs_portal_inspection_files",
)
def upload(
    request: HttpRequest,
    pk: int,
    kind: Form[str] = "",
    files: File[list[UploadedFile] | None] = None,
) -> Any:
    """上传材料（kind: form 报告书扫描件、financial 财务报告、audit 审计报告、certificate 登记证书
    副本、rectification 整改报告、other）；PDF、图片或 Office 文档，按内容检查。"""
    report = _own(request.auth, pk)  # another organization's: 404 before the input checks
    actions.add_attachments(report, kind, files or [], actor=request.auth)
    return _own(request.auth, pk)


@router.post(
    "/portal/inspections/{pk}/submit",
    response={200: AnnualReportDetail, **ERRORS},
    summary="提交年检报告书",
    operation_id="socialorgs_portal_inspection_submit",
)
def submit(request: HttpRequest, pk: int) -> Any:
    """提交：报告书须填写完整、必备材料齐全（缺什么列出什么）；逾期提交照常受理并标记逾期。"""
    actions.submit_report(_own(request.auth, pk), actor=request.auth)
    return _own(request.auth, pk)
