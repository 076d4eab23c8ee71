"""/api/v1/reports/: the closed loop (随手拍) for apps — catalogue, intake, lists, workflow steps.

Endpoints are thin adapters (STYLE.md rule 11): find the case with ``access_report`` (another
department's or another street's case is 404, the same as a missing one), then read the body,
then call one action. Reading the body after the access check means an outsider learns nothing
about somebody else's case, not even "your body is wrong". The actions' ``DomainError``s become
problem details on their own: 403 (no permission), 409 (a wrong step, listing the allowed ones),
422 (bad input, per field).

Submitting and resolving take JSON or multipart form data (``photos`` files), so both bodies are
read here rather than declared as ninja parameters; ``openapi_extra`` documents them.

This module uses ``@idempotent`` and so must not use ``from __future__ import annotations``.
"""

import json
import typing
from datetime import datetime, time, timedelta
from typing import Any

import pydantic
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from shegong.accounts.models import Department, User
from shegong.core import idempotency
from shegong.core.api import json_response
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.idempotency import idempotent_in_action
from shegong.core.schemas import PagePagination, problem_responses
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from .. import limits, queries
from ..actions.followup import record_followup, rehandle_report
from ..actions.holding import answer_down, assign_down
from ..actions.reports import (
    accept_report,
    add_assist,
    add_note,
    follow_report,
    hide_report,
    merge_reports,
    rate_report,
    reassign_report,
    redact_photo,
    reject_report,
    reopen_report,
    resolve_report,
    respond_report,
    return_report,
    submit_report,
    transfer_report,
    verify_report,
)
from ..choices import AWAITING_RESPONSE, WITH_DEPARTMENT, Channel
from ..choices import Status as CaseStatus
from ..models import Category, Report
from ..schemas import (
    FIELD,
    AnswerDownIn,
    AssignDownIn,
    AssistIn,
    CategoryDetail,
    CategoryOut,
    DuplicateOut,
    DuplicateQuery,
    FollowupIn,
    HideIn,
    MergeIn,
    NoteIn,
    PhotoQuery,
    RateIn,
    ReasonIn,
    ReassignIn,
    RedactIn,
    RehandleIn,
    RejectIn,
    ReportDetail,
    ReportFilter,
    ReportIn,
    ReportOut,
    ResolveIn,
    TimelineNoteIn,
    TransferIn,
    viewer_kind,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
PHOTO_FOLDER = "reports/"
EXCERPT = 60


# --- reading bodies -----------------------------------------------------------------------------


def _json_doc(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {"schema": schema.model_json_schema()}


def _form_doc(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The multipart form of ``schema`` plus ``photos`` files."""
    doc = schema.model_json_schema()
    properties = dict(doc.get("properties", {}))
    if "attributes" in properties:
        properties["attributes"] = {"type": "string", "description": 'JSON 对象，如 {"a": 1}'}
    properties["photos"] = {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "description": "照片：JPEG、PNG 或 WebP，每张不超过 10 MB，最多 9 张",
    }
    return {"schema": {**doc, "properties": properties}}


def _body_doc(schema: type[pydantic.BaseModel], *, photos: bool = False) -> dict[str, Any]:
    content = {"application/json": _json_doc(schema)}
    if photos:
        content["multipart/form-data"] = _form_doc(schema)
    return {"requestBody": {"required": False, "content": content}}


def _is_list(field: Any) -> bool:
    return typing.get_origin(field.annotation) is list


def _read(request: HttpRequest, schema: type[pydantic.BaseModel]) -> Any:
    """The body as ``schema``: JSON (an empty body is ``{}``) or form data. Errors are the same
    problem details as ninja's own validation (field names without the ``payload`` prefix)."""
    if request.content_type in FORM_TYPES:
        source = "form"
        data: Any = {key: value for key, value in request.POST.items() if value != ""}
        for name, field in schema.model_fields.items():
            if _is_list(field) and name in request.POST:
                data[name] = [v for v in request.POST.getlist(name) if v != ""]
    else:
        source = "body"
        data = {}
        if request.body:
            try:
                data = json.loads(request.body)
            except ValueError as exc:
                raise HttpError(400, "请求体不是有效的 JSON") from exc
        if not isinstance(data, dict):
            raise ValidationError([{"type": "dict_type", "loc": ("body", "payload"), "msg": ""}])
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [
            {**error, "loc": (source, "payload", *error["loc"])}
            for error in exc.errors(include_url=False)
        ]
        raise ValidationError(errors) from None


def _photos(request: HttpRequest) -> list[Any]:
    if request.content_type != "multipart/form-data":
        return []
    return request.FILES.getlist("photos")


def _is_staff(user: Any) -> bool:
    return viewer_kind(user) != FIELD


def _department(code: str, report: Report, field: str) -> Department:
    """A department by code that serves the case's area (its region contains the case's)."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput.field(field, "请选择部门")
    department = Department.objects.select_related("region").filter(code=code).first()
    if department is None or not report.region_id.startswith(department.region.prefix):
        raise InvalidInput.field(field, f"部门 {code} 不存在或不负责该工单所在区域")
    return department


def _render(
    request: HttpRequest, schema: type[pydantic.BaseModel], obj: Any, *, status: int
) -> HttpResponse:
    """The response ninja would make of ``obj`` as ``schema`` (same context, same renderer)."""
    context = {"request": request, "response_status": status}
    data = schema.model_validate(obj, context=context)
    return json_response(request, data.model_dump(context=context), status=status)


def _reload(report: Report) -> Report:
    """The case after a step, for the answer. The caller has just acted on it, so it is read
    without the scope filter: a department that returned a case still gets its answer."""
    return Report.objects.select_related("category", "region", "lead_department", "reporter").get(
        pk=report.pk
    )


# --- catalogue -------------------------------------------------------------------------------


def _categories_for(user: Any) -> QuerySet:
    categories = Category.objects.filter(is_active=True)
    if not _is_staff(user):
        categories = categories.filter(staff_only=False)
    return categories


@router.get(
    "/categories",
    response={200: list[CategoryOut], **ERRORS},
    summary="问题类别列表",
    operation_id="reports_categories_list",
)
@paginate(PagePagination)
def list_categories(request: HttpRequest) -> Any:
    """启用的问题类别（全区统一目录）；工作人员还能看到「仅工作人员可选」的类别。"""
    return _categories_for(request.auth).order_by("order", "service_code")


@router.get(
    "/categories/{code}",
    response={200: CategoryDetail, **ERRORS},
    summary="问题类别详情（含附加问题）",
    operation_id="reports_categories_detail",
)
def category_detail(request: HttpRequest, code: str) -> Any:
    category = _categories_for(request.auth).filter(service_code=code).first()
    if category is None:
        raise NotFound("未找到该问题类别")
    return category


# --- intake ----------------------------------------------------------------------------------


@router.post(
    "",
    response={201: ReportDetail, **ERRORS},
    summary="上报问题（随手拍）",
    operation_id="reports_create",
    openapi_extra=_body_doc(ReportIn, photos=True),
)
@idempotent_in_action
def create_report(request: HttpRequest) -> Any:
    """JSON（无照片）或 multipart 表单（照片字段 `photos`，最多9张）。位置：坐标（wgs84 / gcj02 /
    bd09）或地址加所在区划代码。工作人员代群众上报时填写来电人姓名、电话。每人10分钟内提交次数有
    上限，超出返回 429。支持 Idempotency-Key：网络重试不会重复立案。"""
    user = request.auth
    # Counted before anything is decoded: a burst of uploads is refused before it costs CPU.
    limits.check_submission_rate(user)
    data = _read(request, ReportIn)
    try:
        category = queries.access_category(data.category)
    except NotFound:
        raise InvalidInput.field("category", f"没有编码为 {data.category} 的问题类别") from None
    region = None
    if data.region.strip():
        region = Region.objects.filter(code=data.region.strip()).first()
        if region is None:
            raise InvalidInput.field("region", f"区划代码 {data.region} 不存在")
    answer: list[HttpResponse] = []

    def respond(report: Report) -> None:
        # Inside the submission's transaction: the answer is built from what was just written
        # and stored with the case under its Idempotency-Key.
        answer.append(_render(request, ReportDetail, report, status=201))
        idempotency.store(request, answer[0])

    submit_report(
        actor=user,
        category=category,
        description=data.description,
        lat=data.lat,
        lon=data.lon,
        crs=data.crs,
        address=data.address,
        region=region,
        attributes=data.attributes,
        photos=_photos(request),
        anonymous=data.anonymous,
        channel=Channel.API,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        then=respond,
    )
    return answer[0]


@router.get(
    "/duplicates",
    response={200: list[DuplicateOut], **ERRORS},
    summary="附近的相同问题（上报前提示）",
    operation_id="reports_duplicates",
)
def duplicates(request: HttpRequest, point: Query[DuplicateQuery]) -> Any:
    """同一类别、50米内、72小时内仍在办理的公开工单（最多10件，近的在前），不含任何个人信息：
    「已有人反映此问题，是否关注它？」"""
    try:
        category = queries.access_category(point.category)
    except NotFound:
        raise InvalidInput.field("category", f"没有编码为 {point.category} 的问题类别") from None
    found = queries.possible_duplicates(category, point.lat, point.lon, crs=point.crs)
    return [
        {
            "id": report.pk,
            "number": report.number,
            "category": report.category.name,
            "status": report.status,
            "status_label": report.status_label,
            "distance_m": round(distance, 1),
            "submitted_at": report.submitted_at,
            "description": _excerpt(report.public_description),
        }
        for report, distance in found
    ]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


# --- lists and detail ------------------------------------------------------------------------


def _filtered(user: Any, f: ReportFilter) -> QuerySet:
    reports = Report.objects.visible_to(user).select_related(
        "category", "region", "lead_department"
    )
    statuses = [s.strip() for s in f.status.split(",") if s.strip()]
    unknown = [s for s in statuses if s not in CaseStatus.values]
    if unknown:
        raise InvalidInput.field("status", f"没有这种状态：{'、'.join(unknown)}")
    if statuses:
        reports = reports.filter(status__in=statuses)
    if f.category:
        reports = reports.filter(category__service_code=f.category.strip())
    if f.department:
        reports = reports.filter(
            assignments__department__code=f.department.strip(), assignments__active=True
        )
    if f.region:
        region = Region.objects.visible_to(user).filter(code=f.region.strip()).first()
        if region is None:
            raise InvalidInput.field("region", f"区划代码 {f.region} 不存在或不在您的工作范围内")
        reports = in_subtree(reports, region.prefix)
    if f.overdue is not None:
        now = timezone.now()
        late = Q(status__in=AWAITING_RESPONSE, response_due_at__lt=now) | Q(
            status__in=WITH_DEPARTMENT, resolution_due_at__lt=now
        )
        reports = reports.filter(late) if f.overdue else reports.exclude(late)
    if f.mine:
        reports = reports.filter(reporter=user)
    q = f.q.strip()
    if q:
        text = Q(description__contains=q) | Q(address__contains=q)
        reports = reports.filter(text | Q(pk=int(q)) if q.isdigit() and len(q) <= 12 else text)
    if f.submitted_from:
        start = timezone.make_aware(datetime.combine(f.submitted_from, time.min))
        reports = reports.filter(submitted_at__gte=start)
    if f.submitted_to:
        end = timezone.make_aware(datetime.combine(f.submitted_to + timedelta(days=1), time.min))
        reports = reports.filter(submitted_at__lt=end)
    return reports.distinct().order_by("-submitted_at", "-id")


@router.get(
    "",
    response={200: list[ReportOut], **ERRORS},
    summary="工单列表",
    operation_id="reports_list",
)
@paginate(PagePagination)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> Any:
    """本人可见的工单（部门：本部门承办的；街道、社区：辖区内的；群众：本人上报和关注的），
    可按状态（逗号分隔）、类别、部门、区划、是否超期、本人上报、编号或文字、上报日期筛选。"""
    return _filtered(request.auth, filters)


@router.get(
    "/{report_id}",
    response={200: ReportDetail, **ERRORS},
    summary="工单详情（含办理进度）",
    operation_id="reports_detail",
)
def report_detail(request: HttpRequest, report_id: int) -> Any:
    """上报人对工作人员脱敏显示；匿名工单对处置部门显示「匿名」；群众只看到公开的进度。"""
    return queries.access_report(request.auth, report_id)


@router.get(
    "/{report_id}/photos/{index}",
    response=ERRORS,
    summary="工单照片（JPEG）",
    operation_id="reports_photo",
    url_name="reports_photo",
    openapi_extra={
        "responses": {
            "200": {
                "description": "JPEG 图片",
                "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_photo(
    request: HttpRequest, report_id: int, index: int, options: Query[PhotoQuery]
) -> Any:
    """上报照片（set=report）或办理后照片（set=result）；kind=full 原图，thumb 缩略图。
    经审核打码的照片，上报人以外的群众只能看到打码图。"""
    user = request.auth
    report = queries.access_report(user, report_id)
    if options.photo_set not in ("report", "result") or options.kind not in ("full", "thumb"):
        raise NotFound("未找到该照片")
    photos = report.photos if options.photo_set == "report" else report.result_photos
    if not isinstance(photos, list) or not 0 <= index < len(photos):
        raise NotFound("未找到该照片")
    record = photos[index] if isinstance(photos[index], dict) else {}
    keys = ("path", "thumb")
    if record.get("redacted") and viewer_kind(user) == FIELD and report.reporter_id != user.pk:
        keys = ("public", "public_thumb")  # the public's blurred copy
    path = str(record.get(keys[0] if options.kind == "full" else keys[1]) or "")
    if not path.startswith(PHOTO_FOLDER) or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- workflow steps --------------------------------------------------------------------------
# Each: access (404 outside scope), read the body, call one action, answer with the case.


def _step(path: str, summary: str, operation: str, body: type[pydantic.BaseModel] | None = None,
          *, photos: bool = False) -> Any:  # fmt: skip
    return router.post(
        f"/{{report_id}}/{path}",
        response={200: ReportDetail, **ERRORS},
        summary=summary,
        operation_id=f"reports_{operation}",
        openapi_extra=_body_doc(body, photos=photos) if body is not None else None,
    )


@_step("accept", "受理", "accept", NoteIn)
def accept(request: HttpRequest, report_id: int) -> Any:
    """区指挥中心受理待受理或已退回的工单。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, NoteIn)
    return _reload(accept_report(report, actor=request.auth, note=data.note))


@_step("reject", "不予受理", "reject", RejectIn)
def reject(request: HttpRequest, report_id: int) -> Any:
    """原因：invalid 无效信息、duplicate 重复上报、not_ours 不属于受理范围；说明会告知上报人。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, RejectIn)
    return _reload(reject_report(report, actor=request.auth, reason=data.reason, note=data.note))


@_step("transfer", "派单（即时转）", "transfer", TransferIn)
def transfer(request: HttpRequest, report_id: int) -> Any:
    """派给主办部门（首接负责），可加协办部门；开始计算响应和办理时限。两人同时派单时，后到的
    返回 409。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, TransferIn)
    department = _department(data.department, report, "department")
    assisting = [_department(code, report, "assisting") for code in data.assisting]
    return _reload(
        transfer_report(
            report, actor=request.auth, department=department, assisting=assisting, note=data.note
        )
    )


@_step("reassign", "改派", "reassign", ReassignIn)
def reassign(request: HttpRequest, report_id: int) -> Any:
    """把在办工单改派给另一主办部门，时限重新计算。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, ReassignIn)
    department = _department(data.department, report, "department")
    return _reload(
        reassign_report(report, actor=request.auth, department=department, note=data.note)
    )


@_step("assist", "增加协办部门", "assist", AssistIn)
def assist(request: HttpRequest, report_id: int) -> Any:
    report = queries.access_report(request.auth, report_id)
    data = _read(request, AssistIn)
    department = _department(data.department, report, "department")
    return _reload(add_assist(report, actor=request.auth, department=department))


@_step("merge", "并单", "merge", MergeIn)
def merge(request: HttpRequest, report_id: int) -> Any:
    """把本工单作为重复件并入另一工单；本工单的上报人将收到主工单的办理结果。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, MergeIn)
    try:
        into = queries.access_report(request.auth, data.into)
    except NotFound:
        raise InvalidInput.field("into", f"未找到工单 {data.into}，或您无权查看") from None
    return _reload(merge_reports(report, into=into, actor=request.auth, note=data.note))


@_step("respond", "响应", "respond", NoteIn)
def respond(request: HttpRequest, report_id: int) -> Any:
    """主办部门确认收到（响应时限停止计算）。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, NoteIn)
    return _reload(respond_report(report, actor=request.auth, note=data.note))


@_step("return", "退单", "return", ReasonIn)
def return_(request: HttpRequest, report_id: int) -> Any:
    """主办部门认为不属于本部门职责，退回区指挥中心（须填理由）。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, ReasonIn)
    return _reload(return_report(report, actor=request.auth, reason=data.reason))


@_step("resolve", "办理完毕", "resolve", ResolveIn, photos=True)
def resolve(request: HttpRequest, report_id: int) -> Any:
    """填写办理结果，可用 multipart 表单附办理后照片（`photos`，最多9张）。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, ResolveIn)
    return _reload(
        resolve_report(report, actor=request.auth, result=data.result, photos=_photos(request))
    )


@_step("note", "添加备注", "note", TimelineNoteIn)
def note(request: HttpRequest, report_id: int) -> Any:
    """承办部门或区指挥中心在进度中添加备注；public=true 时上报人可见。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, TimelineNoteIn)
    return _reload(add_note(report, actor=request.auth, note=data.note, public=data.public))


@_step("verify", "核实办结", "verify", NoteIn)
def verify(request: HttpRequest, report_id: int) -> Any:
    """上报人或辖区工作人员确认已解决，工单办结。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, NoteIn)
    return _reload(verify_report(report, actor=request.auth, note=data.note))


@_step("reopen", "重启（申请重办）", "reopen", ReasonIn)
def reopen(request: HttpRequest, report_id: int) -> Any:
    """上报人在办理完毕7日内（类别允许时）或区指挥中心要求重办，须说明原因。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, ReasonIn)
    return _reload(reopen_report(report, actor=request.auth, reason=data.reason))


@_step("rate", "评价", "rate", RateIn)
def rate(request: HttpRequest, report_id: int) -> Any:
    """上报人对已办结工单评价一次：1–5星（满意、基本满意、不满意）。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, RateIn)
    return _reload(
        rate_report(report, actor=request.auth, rating=data.rating, comment=data.comment)
    )


@_step("followup", "记录回访", "followup", FollowupIn)
def followup(request: HttpRequest, report_id: int) -> Any:
    """区指挥中心（或街道）回访已办结工单的群众，记录其回答：问题是否已解决（解决率）和满意度。
    不满意即为差评，主办部门须在规定工作日内重新办理（默认15个工作日）。每次办结回访一次。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, FollowupIn)
    return _reload(
        record_followup(
            report, actor=request.auth, solved=data.solved, satisfaction=data.satisfaction,
            note=data.note,
        )
    )  # fmt: skip


@_step("rehandle", "差评重新办理", "rehandle", RehandleIn)
def rehandle(request: HttpRequest, report_id: int) -> Any:
    """主办部门对回访差评的工单重新办理后，填写重新办理情况；上报人和区指挥中心收到通知。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, RehandleIn)
    return _reload(rehandle_report(report, actor=request.auth, result=data.result))


@_step("follow", "关注", "follow")
def follow(request: HttpRequest, report_id: int) -> Any:
    """关注一件正在办理的公开工单（不再重复上报），之后收到它的办理进度。"""
    report = queries.access_followable_report(request.auth, report_id)
    follow_report(report, actor=request.auth)
    return _reload(report)


@_step("hide", "不公开 / 恢复公开", "hide", HideIn)
def hide(request: HttpRequest, report_id: int) -> Any:
    """审核：在公开页面和 Open311 中隐藏（或恢复）此工单，须填原因。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, HideIn)
    return _reload(hide_report(report, actor=request.auth, hidden=data.hidden, reason=data.reason))


@_step("redact", "照片打码", "redact", RedactIn)
def redact(request: HttpRequest, report_id: int) -> Any:
    """审核：为第 index 张上报照片（从0起）生成打码图供公众查看；工作人员仍可看原图。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, RedactIn)
    return _reload(redact_photo(report, actor=request.auth, index=data.index, reason=data.reason))


@_step("assign-down", "下派（街道 → 社区 → 网格员）", "assign_down", AssignDownIn)
def assign_down_step(request: HttpRequest, report_id: int) -> Any:
    """街道把工单下派给所在社区或其网格员，社区可派给本社区网格员；只能向下派，时限照常计算。
    community 与 worker 二选一。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, AssignDownIn)
    community = None
    if data.community:
        community = Region.objects.filter(code=data.community.strip()).first()
        if community is None:
            raise InvalidInput.field("community", f"区划 {data.community} 不存在")
    worker = None
    if data.worker is not None:
        worker = User.objects.filter(pk=data.worker, is_active=True).first()
        if worker is None:
            raise InvalidInput.field("worker", "所选网格员不存在")
    return _reload(
        assign_down(report, actor=request.auth, community=community, worker=worker, note=data.note)
    )


@_step("answer-down", "回复下派工单", "answer_down", AnswerDownIn)
def answer_down_step(request: HttpRequest, report_id: int) -> Any:
    """下派的社区或网格员回复现场情况或处理结果；下派人收到通知。"""
    report = queries.access_report(request.auth, report_id)
    data = _read(request, AnswerDownIn)
    return _reload(answer_down(report, actor=request.auth, answer=data.answer))
