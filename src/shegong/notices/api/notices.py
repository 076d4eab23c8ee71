"""/api/v1/notices: public notices (公示) and their objections.

Staff (scoped): the list with the manager's filters, a notice's detail, create a draft, publish,
withdraw, the objections of a notice, assign and answer one. Public (no login): the published
notices that have started (``/public``, ``/public/{id}``) and submitting an objection to a
current one (``POST /{id}/objections``, rate-limited). A notice out of scope is a 404 like a
missing one; objectors' phones are never in a response (masked), their names masked."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import InvalidInput
from shegong.core.net import client_ip
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.notices import queries
from shegong.notices.actions import notices as verbs
from shegong.notices.actions import objections as objection_verbs
from shegong.notices.models import Notice, Objection

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


class NoticeFilter(Schema):
    kind: str | None = Field(None, max_length=40, description="公示类型")
    state: str | None = Field(
        None, max_length=12, description="current/upcoming/past/draft/withdrawn"
    )
    region: str | None = Field(None, max_length=15, description="区划代码（含下级）")
    open: bool | None = Field(None, description="仅有未结异议的")
    q: str | None = Field(None, max_length=60, description="标题包含")


class PublicNoticeFilter(Schema):
    tab: str | None = Field(None, max_length=10, description="current（默认）/past")
    kind: str | None = Field(None, max_length=40, description="公示类型")
    region: str | None = Field(None, max_length=15, description="街道或社区区划代码")


class NoticeAttachmentOut(Schema):
    name: str
    size: int = 0


class NoticePublicOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    region_code: str
    region_name: str
    starts_at: datetime
    ends_at: datetime
    phone: str
    attachments: list[NoticeAttachmentOut]
    current: bool

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Any) -> str:
        return obj.region.name

    @staticmethod
    def resolve_attachments(obj: Any) -> list[dict[str, Any]]:
        return [
            {"name": str(a.get("name", "")), "size": int(a.get("size") or 0)}
            for a in obj.attachments or []
            if isinstance(a, dict)
        ]

    @staticmethod
    def resolve_current(obj: Any) -> bool:
        return obj.is_current()


class NoticeOut(NoticePublicOut):
    status: str
    state: str
    target_type: str
    target_id: int | None
    open_objections: int
    objection_count: int
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return queries.state_of(obj)


class NoticeIn(Schema):
    kind: str = Field("notices.general", max_length=40, description="公示类型")
    region: str = Field("", max_length=15, description="公示范围：社区、街道或区的区划代码")
    title: str = Field("", max_length=120)
    body: str = Field("", max_length=20000)
    starts_at: datetime | None = Field(None, description="公示开始（留空为发布时）")
    ends_at: datetime | None = Field(None, description="公示结束（留空按类型默认天数）")
    phone: str | None = Field(None, max_length=30, description="监督电话（留空用默认）")


class NoticeWithdrawIn(Schema):
    reason: str = Field("", max_length=200, description="撤回原因（必填）")


class ObjectionIn(Schema):
    name: str = Field("", max_length=40, description="姓名（可不填）")
    phone: str = Field("", max_length=20, description="联系电话（必填，手机号）")
    content: str = Field("", max_length=2000, description="异议内容（必填）")


class ObjectionReceiptOut(Schema):
    id: int
    number: str = Field(description="受理编号")
    notice_id: int


class ObjectionOut(Schema):
    id: int
    notice_id: int
    name: str = Field(description="提出人（已脱敏）")
    phone: str = Field(description="联系电话（已脱敏）")
    content: str
    status: str
    holds: bool
    assignee_id: int | None
    submitted_at: datetime
    verdict: str
    answer: str
    answered_at: datetime | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.masked_name

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return obj.masked_phone


class ObjectionAssignIn(Schema):
    assignee: int | None = Field(None, description="承办人账号编号")


class ObjectionAnswerIn(Schema):
    verdict: str = Field("", max_length=12, description="upheld/rejected/partly")
    answer: str = Field("", max_length=2000, description="答复内容（必填）")


def _notice(pk: int) -> Notice:
    return Notice.objects.select_related("region").get(pk=pk)


@router.get(
    "/",
    response={200: list[NoticeOut], **ERRORS},
    summary="公示（辖区内）",
    operation_id="notices_list",
)
@paginate(PagePagination)
def list_notices(request: HttpRequest, filters: Query[NoticeFilter]) -> Any:
    """本人工作范围内的公示，可按类型、状态、范围、是否有未结异议、标题筛选。"""
    require_perm(request.auth, Perm.NOTICES_VIEW)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    params["open"] = "1" if params.get("open") is True else ""
    return queries.filter_notices(request.auth, params)


@router.post(
    "/",
    response={201: NoticeOut, **ERRORS},
    summary="起草公示（草稿）",
    operation_id="notices_create",
    openapi_extra=body_doc(NoticeIn),
)
def create(request: HttpRequest, payload: Body[dict[str, Any]] = None) -> Any:
    """范围须为本人工作范围内的社区、街道或区；缺少标题、正文或公示结束早于开始 → 422。"""
    require_perm(request.auth, Perm.NOTICES_MANAGE)
    data = parse_body(NoticeIn, payload).dict()
    notice = verbs.create_draft(actor=request.auth, **data)
    return Status(201, _notice(notice.pk))


@router.get(
    "/public",
    response={200: list[NoticePublicOut], **ERRORS},
    summary="公开的公示（无需登录）",
    operation_id="notices_public_list",
    auth=None,
)
@paginate(PagePagination)
def public_list(request: HttpRequest, filters: Query[PublicNoticeFilter]) -> Any:
    """公示中（默认）或往期（tab=past）的公示，可按类型、街道/社区筛选。"""
    return queries.public_notices({k: v for k, v in filters.dict().items() if v})


@router.get(
    "/public/{notice_id}",
    response={200: NoticePublicOut, **ERRORS},
    summary="公示详情（公开，无需登录）",
    operation_id="notices_public_detail",
    auth=None,
)
def public_detail(request: HttpRequest, notice_id: int) -> Any:
    return queries.public_notice(notice_id)


@router.get(
    "/{notice_id}",
    response={200: NoticeOut, **ERRORS},
    summary="公示详情",
    operation_id="notices_detail",
)
def detail(request: HttpRequest, notice_id: int) -> Any:
    return _notice(queries.access_notice(request.auth, notice_id).pk)


@router.post(
    "/{notice_id}/publish",
    response={200: NoticeOut, **ERRORS},
    summary="发布公示",
    operation_id="notices_publish",
)
def publish(request: HttpRequest, notice_id: int) -> Any:
    """只有草稿可发布（否则 409）；开始时间已过的，自发布时起算，公示天数不变。"""
    found = queries.access_notice(request.auth, notice_id)
    verbs.publish(found, actor=request.auth)
    return _notice(found.pk)


@router.post(
    "/{notice_id}/withdraw",
    response={200: NoticeOut, **ERRORS},
    summary="撤回公示",
    operation_id="notices_withdraw",
    openapi_extra=body_doc(NoticeWithdrawIn),
)
def withdraw(request: HttpRequest, notice_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_notice(request.auth, notice_id)
    data = parse_body(NoticeWithdrawIn, payload)
    verbs.withdraw(found, reason=data.reason, actor=request.auth)
    return _notice(found.pk)


@router.post(
    "/{notice_id}/objections",
    response={201: ObjectionReceiptOut, **ERRORS},
    summary="对公示提出异议（公开，无需登录）",
    operation_id="notices_objection_submit",
    openapi_extra=body_doc(ObjectionIn),
    auth=None,
)
def submit(request: HttpRequest, notice_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """仅公示期内可提出；电话、内容必填；已结束的公示 → 409；提交过于频繁 → 429。"""
    notice = queries.public_notice(notice_id)
    data = parse_body(ObjectionIn, payload)
    user = getattr(request, "user", None)
    objection = objection_verbs.submit_objection(
        notice, name=data.name, phone=data.phone, content=data.content, ip=client_ip(request),
        submitter=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    receipt = {
        "id": objection.pk, "number": objection_verbs.receipt_number(objection),
        "notice_id": notice.pk,
    }  # fmt: skip
    return Status(201, receipt)


@router.get(
    "/{notice_id}/objections",
    response={200: list[ObjectionOut], **ERRORS},
    summary="公示的异议（工作人员）",
    operation_id="notices_objections_list",
)
@paginate(PagePagination)
def objections(request: HttpRequest, notice_id: int) -> Any:
    found = queries.access_notice(request.auth, notice_id)
    return queries.objections(request.auth).filter(notice=found).order_by("submitted_at", "pk")


def _objection(pk: int) -> Objection:
    return Objection.objects.get(pk=pk)


@router.post(
    "/objections/{objection_id}/assign",
    response={200: ObjectionOut, **ERRORS},
    summary="交办异议",
    operation_id="notices_objection_assign",
    openapi_extra=body_doc(ObjectionAssignIn),
)
def assign(request: HttpRequest, objection_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_objection(request.auth, objection_id)
    data = parse_body(ObjectionAssignIn, payload)
    if data.assignee is None:
        raise InvalidInput.field("assignee", "请选择本辖区内可处理公示异议的工作人员")
    objection_verbs.assign_objection(found, actor=request.auth, assignee=data.assignee)
    return _objection(found.pk)


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, **ERRORS},
    summary="答复异议（解除对公示事项的暂停）",
    operation_id="notices_objection_answer",
    openapi_extra=body_doc(ObjectionAnswerIn),
)
def answer(request: HttpRequest, objection_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_objection(request.auth, objection_id)
    data = parse_body(ObjectionAnswerIn, payload)
    objection_verbs.answer_objection(
        found, actor=request.auth, verdict=data.verdict, answer=data.answer
    )
    return _objection(found.pk)
