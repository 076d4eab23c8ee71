"""/api/v1/grants/: 公益创投 — calls, applications (the portal's submit), reviews (declare,
score), the ranking and the decision, projects (sign) and tranches (request, decide, pay).

Thin adapters over ``grants.actions``; every object is found in the caller's scope first
(another street's is a 404 like a missing one); a reviewer reaches only their own reviews.

The endpoints that take files (an application's ``attachments``, the signed ``agreement``, a
tranche's ``evidence``) read JSON or a multipart form whose nested lists (``budget_lines``,
``indicators``, ``tranches``) are JSON text; files are listed as ``{"name", "size", "url"}``, the
url our own download page."""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.http import HttpRequest
from ninja import Body, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.schemas import PagePagination, problem_responses
from shegong.grants.actions import applications as app_verbs
from shegong.grants.actions import calls as call_verbs
from shegong.grants.actions import projects as project_verbs
from shegong.grants.actions import reviews as review_verbs
from shegong.grants.queries import calls as q
from shegong.grants.queries import may_view_grants
from shegong.grants.schemas.calls import (
    GrantApplicationIn,
    GrantApplicationOut,
    GrantAssignIn,
    GrantCallIn,
    GrantCallOut,
    GrantCheckIn,
    GrantDecideIn,
    GrantDeclareIn,
    GrantMoveIn,
    GrantPayIn,
    GrantProjectOut,
    GrantRankOut,
    GrantReviewOut,
    GrantScoreIn,
    GrantSignIn,
    GrantTrancheDecideIn,
    GrantTrancheOut,
    GrantTrancheRequestIn,
)
from shegong.socialorgs.portal import portal_org

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
MULTIPART = "multipart/form-data"
FILES_TEXT = "PDF、图片或 Office 文档，单个不超过 20 MB，最多 10 个"


def files_doc(schema: type[pydantic.BaseModel] | None, files: str) -> dict[str, Any]:
    """OpenAPI of a body that is JSON or a multipart form with ``files`` uploads."""
    doc = schema.model_json_schema() if schema is not None else {"type": "object"}
    properties = dict(doc.get("properties", {}))
    for name, value in list(properties.items()):
        if value.get("type") == "array" or "$ref" in str(value.get("items", "")):
            properties[name] = {"type": "string", "description": "JSON 文本"}
    properties[files] = {
        "type": "array", "items": {"type": "string", "format": "binary"}, "description": FILES_TEXT,
    }  # fmt: skip
    content: dict[str, Any] = {MULTIPART: {"schema": {**doc, "properties": properties}}}
    if schema is not None:
        content["application/json"] = {"schema": schema.model_json_schema()}
    return {"requestBody": {"required": False, "content": content}}


def _read(
    request: HttpRequest, schema: type[pydantic.BaseModel], files: str
) -> tuple[Any, list[Any]]:
    """The body as ``schema`` (JSON, or a multipart form whose list fields are JSON text) and
    the uploaded ``files``."""
    if request.content_type != MULTIPART:
        payload: Any = {}
        if request.body:
            try:
                payload = json.loads(request.body)
            except ValueError:
                raise InvalidInput.field("body", "请求体不是有效的 JSON") from None
        if not isinstance(payload, dict):
            raise InvalidInput.field("body", "请求体须为 JSON 对象")
        return parse_body(schema, payload), []
    data: dict[str, Any] = {k: v for k, v in request.POST.items() if v != ""}
    for name, value in list(data.items()):
        field = schema.model_fields.get(name)
        if field is not None and "list" in str(field.annotation):
            try:
                data[name] = json.loads(value)
            except ValueError:
                raise InvalidInput.field(name, "应为 JSON 文本（列表）") from None
    return parse_body(schema, data), request.FILES.getlist(files)


def _org(request: HttpRequest) -> Any:
    """The caller's organization for an object of the portal: anyone else finds nothing."""
    try:
        return portal_org(request.auth)
    except NotPermitted:
        raise NotFound("未找到该对象，或您无权查看") from None


def _viewer(request: HttpRequest) -> Any:
    if not may_view_grants(request.auth):
        raise NotPermitted("您当前的角色不能查看公益创投")
    return request.auth


# --- calls ------------------------------------------------------------------------------------


@router.get("/calls", response={200: list[GrantCallOut], **ERRORS}, summary="公益创投申报",
            operation_id="grants_calls_list")  # fmt: skip
@paginate(PagePagination)
def list_calls(request: HttpRequest) -> Any:
    """本人工作范围内（含上级主办）的申报。"""
    return q.calls(_viewer(request)).prefetch_related("criteria").order_by("-year", "-pk")


@router.post("/calls", response={201: GrantCallOut, **ERRORS}, summary="新建申报（草稿）",
             operation_id="grants_calls_create", openapi_extra=body_doc(GrantCallIn))  # fmt: skip
def create_call(request: HttpRequest, payload: Body[dict[str, Any]] = None) -> Any:
    """评审指标权重之和须为 100；单项上限不超过总额；缺项 → 422。"""
    data = parse_body(GrantCallIn, payload).dict()
    return Status(201, call_verbs.save_call(request.auth, **data))


@router.get("/calls/{call_id}", response={200: GrantCallOut, **ERRORS}, summary="申报详情",
            operation_id="grants_calls_detail")  # fmt: skip
def call_detail(request: HttpRequest, call_id: int) -> Any:
    return q.access_call(_viewer(request), call_id)


@router.post("/calls/{call_id}/open", response={200: GrantCallOut, **ERRORS},
             summary="发布申报", operation_id="grants_calls_open")  # fmt: skip
def open_call(request: HttpRequest, call_id: int) -> Any:
    found = q.access_call(_viewer(request), call_id)
    return call_verbs.open_call(request.auth, found)


@router.post("/calls/{call_id}/move", response={200: GrantCallOut, **ERRORS},
             summary="截止申报（进入评审）或结束", operation_id="grants_calls_move",
             openapi_extra=body_doc(GrantMoveIn))  # fmt: skip
def move_call(request: HttpRequest, call_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = q.access_call(_viewer(request), call_id)
    return call_verbs.move_call(request.auth, found, parse_body(GrantMoveIn, payload).to)


@router.post("/calls/{call_id}/assign", response={200: GrantCallOut, **ERRORS},
             summary="分配评审专家", operation_id="grants_calls_assign",
             openapi_extra=body_doc(GrantAssignIn))  # fmt: skip
def assign(request: HttpRequest, call_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = q.access_call(_viewer(request), call_id)
    data = parse_body(GrantAssignIn, payload)
    review_verbs.assign(
        request.auth, found, reviewers=data.reviewers, applications=data.applications
    )
    return found


@router.get("/calls/{call_id}/ranking", response={200: list[GrantRankOut], **ERRORS},
            summary="评审排名", operation_id="grants_calls_ranking")  # fmt: skip
def ranking(request: HttpRequest, call_id: int) -> Any:
    """资格审查通过的项目按评审平均分排序（按设置去掉最高分和最低分）。"""
    found = q.access_call(_viewer(request), call_id)
    return [
        {
            "application_id": r.application.pk,
            "title": r.application.title,
            "organization": r.application.social_org.organization.name,
            "amount": r.application.amount,
            "score": r.score,
            "rank": r.rank,
            "scored": len(r.totals),
            "pending": r.pending,
            "conflicts": r.conflicts,
        }
        for r in q.ranking(found)
    ]


@router.post("/calls/{call_id}/decide", response={200: list[GrantProjectOut], **ERRORS},
             summary="评审委员会立项决定", operation_id="grants_calls_decide",
             openapi_extra=body_doc(GrantDecideIn))  # fmt: skip
def decide(request: HttpRequest, call_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """资助合计超出总额 → 422，不写入任何数据；立项项目进入公示。"""
    found = q.access_call(_viewer(request), call_id)
    data = parse_body(GrantDecideIn, payload)
    review_verbs.rank(request.auth, found)
    return review_verbs.decide(request.auth, found, awards=data.awards, note=data.note)


# --- applications -----------------------------------------------------------------------------


@router.get("/applications", response={200: list[GrantApplicationOut], **ERRORS},
            summary="项目申报（辖区内）", operation_id="grants_applications_list")  # fmt: skip
@paginate(PagePagination)
def list_applications(request: HttpRequest) -> Any:
    return (
        q.applications(_viewer(request))
        .exclude(status="draft")
        .select_related("social_org__organization")
        .order_by("-pk")
    )


@router.get("/applications/{application_id}", response={200: GrantApplicationOut, **ERRORS},
            summary="项目申报详情", operation_id="grants_applications_detail")  # fmt: skip
def application_detail(request: HttpRequest, application_id: int) -> Any:
    return q.access_application(_viewer(request), application_id)


@router.post("/applications/{application_id}/check",
             response={200: GrantApplicationOut, **ERRORS}, summary="资格审查（人工）",
             operation_id="grants_applications_check",
             openapi_extra=body_doc(GrantCheckIn))  # fmt: skip
def check(request: HttpRequest, application_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = q.access_application(_viewer(request), application_id)
    data = parse_body(GrantCheckIn, payload)
    return app_verbs.check(request.auth, found, passed=data.passed, note=data.note)


@router.get("/portal/applications", response={200: list[GrantApplicationOut], **ERRORS},
            summary="本组织的申报（组织账号）", operation_id="grants_portal_list")  # fmt: skip
@paginate(PagePagination)
def portal_list(request: HttpRequest) -> Any:
    org = portal_org(request.auth)
    return q.org_applications(org).select_related("social_org__organization").order_by("-pk")


@router.post("/portal/applications", response={201: GrantApplicationOut, **ERRORS},
             summary="填写申报书（草稿，组织账号）", operation_id="grants_portal_create",
             openapi_extra=files_doc(GrantApplicationIn, "attachments"))  # fmt: skip
def portal_create(request: HttpRequest) -> Any:
    """预算明细合计须等于申请金额，且不超过单项上限；申报期外 → 409。附件用 multipart 表单的
    `attachments` 字段上传（PDF、图片或 Office 文档），不合格的文件逐个列出名称（422）。"""
    portal_org(request.auth)
    body, uploads = _read(request, GrantApplicationIn, "attachments")
    data = body.dict()
    call = data.pop("call")
    if call is None:
        raise InvalidInput.field("call", "请选择申报")
    return Status(201, app_verbs.save_application(request.auth, call, attachments=uploads, **data))


@router.post("/portal/applications/{application_id}/files",
             response={200: GrantApplicationOut, **ERRORS}, summary="增删申报书附件（草稿）",
             operation_id="grants_portal_files",
             openapi_extra=files_doc(None, "attachments"))  # fmt: skip
def portal_files(request: HttpRequest, application_id: int) -> Any:
    """multipart 表单：`attachments` 上传新附件，`remove` 为要删除的附件序号（从 0 起，可多个）；
    仅草稿、申报期内。"""
    found = q.access_org_application(_org(request), application_id)
    if request.content_type != MULTIPART:
        raise InvalidInput.field("attachments", "请用 multipart/form-data 上传附件")
    return app_verbs.application_files(
        request.auth, found, attachments=request.FILES.getlist("attachments"),
        remove=request.POST.getlist("remove"),
    )  # fmt: skip


@router.post("/portal/applications/{application_id}/submit",
             response={200: GrantApplicationOut, **ERRORS}, summary="提交申报（自动资格预审）",
             operation_id="grants_portal_submit")  # fmt: skip
def portal_submit(request: HttpRequest, application_id: int) -> Any:
    """组织未正常登记、年检不合格或列入信用名录 → 422，并写明名录、列入日期和事由。"""
    found = q.access_org_application(_org(request), application_id)
    return app_verbs.submit(request.auth, found)


@router.post("/portal/tranches/{tranche_id}/request", response={200: GrantTrancheOut, **ERRORS},
             summary="申请拨付（附进展报告和佐证）", operation_id="grants_portal_tranche_request",
             openapi_extra=files_doc(GrantTrancheRequestIn, "evidence"))  # fmt: skip
def portal_request(request: HttpRequest, tranche_id: int) -> Any:
    """multipart 表单：`report` 进展报告，`evidence` 佐证材料（必传）。"""
    found = q.org_tranche(_org(request), tranche_id)
    body, uploads = _read(request, GrantTrancheRequestIn, "evidence")
    return project_verbs.request_tranche(request.auth, found, evidence=uploads, **body.dict())


# --- reviews ----------------------------------------------------------------------------------


@router.get("/reviews", response={200: list[GrantReviewOut], **ERRORS},
            summary="我的评审任务", operation_id="grants_reviews_list")  # fmt: skip
@paginate(PagePagination)
def my_reviews(request: HttpRequest) -> Any:
    return q.my_reviews(request.auth).order_by("pk")


@router.post("/reviews/{review_id}/declare", response={200: GrantReviewOut, **ERRORS},
             summary="声明利益冲突", operation_id="grants_reviews_declare",
             openapi_extra=body_doc(GrantDeclareIn))  # fmt: skip
def declare(request: HttpRequest, review_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = q.access_review(request.auth, review_id)
    data = parse_body(GrantDeclareIn, payload)
    return review_verbs.declare(request.auth, found, conflict=data.conflict, note=data.note)


@router.post("/reviews/{review_id}/score", response={200: GrantReviewOut, **ERRORS},
             summary="评分（提交后不可修改）", operation_id="grants_reviews_score",
             openapi_extra=body_doc(GrantScoreIn))  # fmt: skip
def score(request: HttpRequest, review_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """未声明或已声明利益冲突 → 拒绝。"""
    found = q.access_review(request.auth, review_id)
    data = parse_body(GrantScoreIn, payload)
    return review_verbs.score(request.auth, found, scores=data.scores, comment=data.comment)


# --- projects and tranches --------------------------------------------------------------------


@router.get("/projects", response={200: list[GrantProjectOut], **ERRORS},
            summary="立项项目", operation_id="grants_projects_list")  # fmt: skip
@paginate(PagePagination)
def list_projects(request: HttpRequest) -> Any:
    return (
        q.projects(_viewer(request))
        .select_related("social_org__organization")
        .prefetch_related("tranches")
    )


@router.get("/projects/{project_id}", response={200: GrantProjectOut, **ERRORS},
            summary="立项项目详情", operation_id="grants_projects_detail")  # fmt: skip
def project_detail(request: HttpRequest, project_id: int) -> Any:
    return q.access_project(_viewer(request), project_id)


@router.post("/projects/{project_id}/sign", response={200: GrantProjectOut, **ERRORS},
             summary="签订协议（异议未办结时拒绝）", operation_id="grants_projects_sign",
             openapi_extra=files_doc(GrantSignIn, "agreement"))  # fmt: skip
def sign(request: HttpRequest, project_id: int) -> Any:
    """JSON，或 multipart 表单（`tranches` 为 JSON 文本，`agreement` 为协议文件）。"""
    found = q.access_project(_viewer(request), project_id)
    body, uploads = _read(request, GrantSignIn, "agreement")
    return project_verbs.sign(request.auth, found, agreement=uploads, **body.dict())


@router.get("/tranches", response={200: list[GrantTrancheOut], **ERRORS},
            summary="拨付队列（待审核、待拨付）", operation_id="grants_tranches_list")  # fmt: skip
@paginate(PagePagination)
def tranche_queue(request: HttpRequest) -> Any:
    return q.tranche_queue(_viewer(request))


@router.post("/tranches/{tranche_id}/decide", response={200: GrantTrancheOut, **ERRORS},
             summary="审核拨付申请", operation_id="grants_tranches_decide",
             openapi_extra=body_doc(GrantTrancheDecideIn))  # fmt: skip
def decide_tranche(
    request: HttpRequest, tranche_id: int, payload: Body[dict[str, Any]] = None
) -> Any:
    found = q.access_tranche(_viewer(request), tranche_id)
    data = parse_body(GrantTrancheDecideIn, payload)
    return project_verbs.decide_tranche(request.auth, found, approve=data.approve, note=data.note)


@router.post("/tranches/{tranche_id}/pay", response={200: GrantTrancheOut, **ERRORS},
             summary="登记拨付", operation_id="grants_tranches_pay",
             openapi_extra=body_doc(GrantPayIn))  # fmt: skip
def pay(request: HttpRequest, tranche_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = q.access_tranche(_viewer(request), tranche_id)
    data = parse_body(GrantPayIn, payload)
    return project_verbs.pay_tranche(
        request.auth, found, voucher_no=data.voucher_no, paid_on=data.paid_on
    )
