"""/api/v1/socialorgs/applications and /penalties: registration events (issue 14 §2). Thin
adapters: ``events`` scopes every read (another street's application is a 404, the same as a
missing one), one action per write, the same Chinese errors as the pages."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.schemas import PagePagination, problem_responses

from .. import events, queries
from ..actions import events as actions
from ..models import Application, Penalty
from ..statutes import ApplicationKind, ApplicationState, ChangeItem, Material, PenaltyKind

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


class ApplicationFilter(Schema):
    kind: str = ""
    state: str = ""
    overdue: str = ""
    year: int | None = Field(None, ge=1949, le=2100, description="年度")
    q: str = ""
    sort: str = ""


class ApplicationIn(Schema):
    # Text fields: the action names a missing or bad field in Chinese.
    social_org: int
    kind: str = ""
    items: list[str] = []
    requested: dict[str, str] = {}
    reason: str = ""
    supervisor_approved_on: str = ""
    dissolved_on: str = ""
    liquidation_ended_on: str = ""
    party_building: bool = False


class ReturnIn(Schema):
    reasons: str = ""


class AttachmentOut(Schema):
    id: int
    material: str
    material_label: str
    name: str
    size: int
    content_type: str


class ApplicationOut(Schema):
    id: int
    social_org: int
    social_org_name: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    items: list[str]
    items_label: str
    on_behalf: bool
    submitted_at: datetime | None
    due_on: date | None
    clock: str
    late: bool
    decided_on: date | None


class ApplicationDetail(ApplicationOut):
    requested: dict[str, str]
    reason: str
    supervisor_approved_on: date | None
    dissolved_on: date | None
    liquidation_ended_on: date | None
    party_building: bool
    return_reasons: str
    attachments: list[AttachmentOut]
    missing_materials: list[str]


class PenaltyFilter(Schema):
    kind: str = ""
    year: int | None = Field(None, ge=1949, le=2100, description="年度")
    q: str = ""


class PenaltyIn(Schema):
    kind: str = ""
    ground: str = ""
    decision_number: str = ""
    decided_on: str = ""
    amount: str = ""
    suspended_until: str = ""
    facts: str = ""


class PenaltyOut(Schema):
    id: int
    social_org: int
    social_org_name: str
    kind: str
    kind_label: str
    ground: str
    article: str
    decision_number: str
    amount: str | None
    suspended_until: date | None
    decided_on: date
    facts: str


def application_out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "social_org": a.social_org_id,
        "social_org_name": a.social_org.organization.name,
        "kind": a.kind,
        "kind_label": ApplicationKind(a.kind).label,
        "state": a.state,
        "state_label": ApplicationState(a.state).label,
        "items": list(a.items or []),
        "items_label": "、".join(ChangeItem(i).label for i in a.items or []),
        "on_behalf": a.on_behalf,
        "submitted_at": a.submitted_at,
        "due_on": a.due_on,
        "clock": events.clock(a)["text"],
        "late": a.late,
        "decided_on": a.decided_on,
    }


def application_detail(a: Application) -> dict[str, Any]:
    return {
        **application_out(a),
        "requested": dict(a.requested or {}),
        "reason": a.reason,
        "supervisor_approved_on": a.supervisor_approved_on,
        "dissolved_on": a.dissolved_on,
        "liquidation_ended_on": a.liquidation_ended_on,
        "party_building": a.party_building,
        "return_reasons": a.return_reasons,
        "attachments": [
            {
                "id": f.pk,
                "material": f.material,
                "material_label": Material(f.material).label,
                "name": f.name,
                "size": f.size,
                "content_type": f.content_type,
            }
            for f in a.attachments.all()
        ],
        "missing_materials": actions.missing_materials(a),
    }


def penalty_out(p: Penalty) -> dict[str, Any]:
    return {
        "id": p.pk,
        "social_org": p.social_org_id,
        "social_org_name": p.social_org.organization.name,
        "kind": p.kind,
        "kind_label": PenaltyKind(p.kind).label,
        "ground": p.ground,
        "article": p.article,
        "decision_number": p.decision_number,
        "amount": str(p.amount) if p.amount is not None else None,
        "suspended_until": p.suspended_until,
        "decided_on": p.decided_on,
        "facts": p.facts,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return application_detail(events.access_application(request.auth, pk))


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="登记事项申请列表",
    operation_id="socialorgs_applications_list",
)
@paginate(PagePagination)
def list_applications(request: HttpRequest, filters: Query[ApplicationFilter]) -> Any:
    """本人工作范围内的变更登记、章程核准、延续登记、注销登记申请，可按事项、状态、期限（`overdue=1`
    逾期含逾期提交，`pending` 逾期未提交）、核准年度筛选；`sort=oldest` 等待最久在前。"""
    found = events.filtered(request.auth, **filters.dict())
    return [application_out(a) for a in found]


@router.get(
    "/applications/{int:pk}",
    response={200: ApplicationDetail, **ERRORS},
    summary="登记事项申请详情",
    operation_id="socialorgs_applications_detail",
)
def detail(request: HttpRequest, pk: int) -> Any:
    """一件申请：申请内容、法定期限、材料和尚缺的必交材料。"""
    return _detail(request, pk)


@router.post(
    "/applications",
    response={201: ApplicationDetail, **ERRORS},
    summary="代为填报登记事项申请（草稿）",
    operation_id="socialorgs_applications_create",
)
def create(request: HttpRequest, payload: ApplicationIn) -> Any:
    """为本人工作范围内的社会组织新建申请草稿；已注销的组织不能再申请（409）。"""
    so = queries.access_social_org(request.auth, payload.social_org)
    data = payload.dict(exclude={"social_org"})
    app = actions.save_application(so, data, actor=request.auth)
    return Status(201, _detail(request, app.pk))


@router.post(
    "/applications/{int:pk}/attachments",
    response={200: ApplicationDetail, **ERRORS},
    summary="上传申请材料",
    operation_id="socialorgs_applications_attach",
)
def attach(
    request: HttpRequest,
    pk: int,
    material: Form[str] = "",
    files: File[list[UploadedFile]] | None = None,
) -> Any:
    """上传一类材料（PDF、图片或 Office 文档，单个不超过20 MB）；不合格的文件逐个列出
    名称（422）。"""
    app = events.access_application(request.auth, pk)
    uploads = request.FILES.getlist("files") or files or []  # optional: a 404 comes first
    actions.add_attachments(app, material, uploads, actor=request.auth)
    return _detail(request, pk)


@router.post(
    "/applications/{int:pk}/submit",
    response={200: ApplicationDetail, **ERRORS},
    summary="提交登记事项申请",
    operation_id="socialorgs_applications_submit",
)
def submit(request: HttpRequest, pk: int) -> Any:
    """提交草稿或退回的申请；缺少必交材料时返回 422 并列出所缺材料。"""
    actions.submit_application(events.access_application(request.auth, pk), actor=request.auth)
    return _detail(request, pk)


@router.post(
    "/applications/{int:pk}/approve",
    response={200: ApplicationDetail, **ERRORS},
    summary="核准登记事项申请",
    operation_id="socialorgs_applications_approve",
)
def approve(request: HttpRequest, pk: int) -> Any:
    """核准已提交的申请：变更事项写入登记信息（名称、住所、法定代表人变更发布公告），章程核准新增
    章程版本，注销登记将状态改为注销并发布公告。"""
    actions.approve_application(events.access_application(request.auth, pk), actor=request.auth)
    return _detail(request, pk)


@router.post(
    "/applications/{int:pk}/return",
    response={200: ApplicationDetail, **ERRORS},
    summary="退回登记事项申请",
    operation_id="socialorgs_applications_return",
)
def return_(request: HttpRequest, pk: int, payload: ReturnIn) -> Any:
    """退回已提交的申请，`reasons` 必填（申请人可见）。"""
    app = events.access_application(request.auth, pk)
    actions.return_application(app, payload.reasons, actor=request.auth)
    return _detail(request, pk)


@router.get(
    "/penalties",
    response={200: list[PenaltyOut], **ERRORS},
    summary="行政处罚列表",
    operation_id="socialorgs_penalties_list",
)
@paginate(PagePagination)
def list_penalties(request: HttpRequest, filters: Query[PenaltyFilter]) -> Any:
    """本人工作范围内的行政处罚（警告、罚款、限期停止活动、撤销登记），可按种类和决定年度筛选。"""
    return [penalty_out(p) for p in events.penalties(request.auth, **filters.dict())]


@router.post(
    "/{int:pk}/penalties",
    response={201: PenaltyOut, **ERRORS},
    summary="作出行政处罚",
    operation_id="socialorgs_penalties_create",
)
def create_penalty(request: HttpRequest, pk: int, payload: PenaltyIn) -> Any:
    """按法定事由（`ground`，见《社会团体登记管理条例》第二十九条、第三十条等）登记行政处罚；罚款
    金额须大于0，限期停止活动须有期限；撤销登记同时变更登记状态并发布公告。"""
    so = queries.access_social_org(request.auth, pk)
    penalty = actions.impose_penalty(so, payload.dict(), actor=request.auth)
    return Status(201, penalty_out(penalty))
