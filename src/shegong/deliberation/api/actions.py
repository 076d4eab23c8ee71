"""/api/v1/deliberation/actions: the action items (落地实事) — list with the board's filters,
detail with the timeline, create, and the verbs progress / redate / complete / cancel.

Thin adapters over ``actions.actions``. An item is found in the caller's scope before its body
is read, so another community's is a 404 like a missing one. Owners show as entered (staff
only); no phone or address is part of an item."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.deliberation import queries
from shegong.deliberation.actions import actions as verbs
from shegong.deliberation.models import ActionItem
from shegong.deliberation.queries import actions as action_queries

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


class DelibActionFilter(Schema):
    community: str | None = Field(None, max_length=15, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    status: str | None = Field(
        None, max_length=12, description="状态：planned/in_progress/done/cancelled/open"
    )
    overdue: bool | None = Field(None, description="仅逾期未完成")
    owner: str | None = Field(None, max_length=40, description="责任方（包含）")
    due_month: str | None = Field(None, max_length=7, description="到期月份 YYYY-MM")


class DelibActionOut(Schema):
    id: int
    region_code: str
    category_id: int
    title: str
    parent_id: int | None
    topic_id: int | None
    owner_kind: str
    owner_name: str
    due_on: date
    budget: Decimal | None
    funding_source: str
    status: str
    progress: int
    public: bool
    redate_count: int
    done_at: datetime | None
    feedback_at: datetime | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id


class DelibActionUpdateOut(Schema):
    id: int
    kind: str
    progress: int | None
    text: str
    photos: int = Field(description="照片张数")
    old_due_on: date | None
    new_due_on: date | None
    at: datetime

    @staticmethod
    def resolve_photos(obj: Any) -> int:
        return len(obj.photos or [])


class DelibActionDetailOut(DelibActionOut):
    description: str
    timeline: list[DelibActionUpdateOut]
    children: list[DelibActionOut]

    @staticmethod
    def resolve_timeline(obj: Any) -> Any:
        return list(action_queries.timeline(obj))

    @staticmethod
    def resolve_children(obj: Any) -> Any:
        return list(obj.children.order_by("due_on", "id"))


class DelibActionIn(Schema):
    region: str = Field("", max_length=15, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    owner_kind: str = Field("", max_length=16, description="person/department/organization")
    owner_department: int | None = None
    owner_organization: int | None = None
    owner_name: str = Field("", max_length=200)
    due_on: date | None = None
    budget: str = Field("", max_length=20, description="预算（元）")
    funding_source: str = Field("", max_length=200)
    public: bool = True
    parent: int | None = Field(None, description="上级事项编号（子事项）")


class DelibProgressIn(Schema):
    progress: int | None = Field(None, description="0–100")
    text: str = Field("", max_length=2000, description="进展说明（进度下降时必填）")


class DelibRedateIn(Schema):
    new_due_on: date | None = None
    reason: str = Field("", max_length=400, description="调整原因（必填）")


class DelibCompleteIn(Schema):
    text: str = Field("", max_length=2000, description="落实情况")


class DelibCancelIn(Schema):
    reason: str = Field("", max_length=400, description="取消原因")


def _detail(pk: int) -> ActionItem:
    return ActionItem.objects.get(pk=pk)


@router.get(
    "/actions",
    response={200: list[DelibActionOut], **ERRORS},
    summary="落地实事（辖区内）",
    operation_id="deliberation_actions_list",
)
@paginate(PagePagination)
def list_actions(request: HttpRequest, filters: Query[DelibActionFilter]) -> Any:
    """本人工作范围内的落地实事，可按社区、类别、状态、逾期、责任方、到期月份筛选。"""
    require_perm(request.auth, Perm.DELIBERATION_VIEW)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    if params.get("overdue") is True:
        params["overdue"] = "1"
    else:
        params.pop("overdue", None)
    if "category" in params:
        params["category"] = str(params["category"])
    return action_queries.filter_actions(request.auth, params)


@router.post(
    "/actions",
    response={201: DelibActionDetailOut, **ERRORS},
    summary="建立落地实事（或子事项）",
    operation_id="deliberation_actions_create",
    openapi_extra=body_doc(DelibActionIn),
)
def create(request: HttpRequest, payload: Body[dict[str, Any]] = None) -> Any:
    """社区在本人工作范围内；缺少名称、责任方、完成时限或预算有误 → 422。"""
    require_perm(request.auth, Perm.DELIBERATION_MANAGE)
    data = parse_body(DelibActionIn, payload).dict()
    if data.get("parent") is not None:
        queries.access_action(request.auth, data["parent"], for_write=True)
    else:
        data.pop("parent", None)
    item = verbs.create_action(request.auth, **data)
    return Status(201, _detail(item.pk))


@router.get(
    "/actions/{action_id}",
    response={200: DelibActionDetailOut, **ERRORS},
    summary="落地实事详情（含进展时间线）",
    operation_id="deliberation_actions_detail",
)
def detail(request: HttpRequest, action_id: int) -> Any:
    return _detail(queries.access_action(request.auth, action_id).pk)


@router.post(
    "/actions/{action_id}/progress",
    response={200: DelibActionDetailOut, **ERRORS},
    summary="更新进展",
    operation_id="deliberation_actions_progress",
    openapi_extra=body_doc(DelibProgressIn),
)
def progress(request: HttpRequest, action_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """0–100；低于当前进度须说明原因；已落实或已取消 → 409。"""
    found = queries.access_action(request.auth, action_id, for_write=True)
    data = parse_body(DelibProgressIn, payload)
    verbs.update_progress(request.auth, found, data.progress, data.text)
    return _detail(found.pk)


@router.post(
    "/actions/{action_id}/redate",
    response={200: DelibActionDetailOut, **ERRORS},
    summary="调整完成时限（须说明原因）",
    operation_id="deliberation_actions_redate",
    openapi_extra=body_doc(DelibRedateIn),
)
def redate(request: HttpRequest, action_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_action(request.auth, action_id, for_write=True)
    data = parse_body(DelibRedateIn, payload)
    verbs.redate(request.auth, found, data.new_due_on, data.reason)
    return _detail(found.pk)


@router.post(
    "/actions/{action_id}/complete",
    response={200: DelibActionDetailOut, **ERRORS},
    summary="落实完成",
    operation_id="deliberation_actions_complete",
    openapi_extra=body_doc(DelibCompleteIn),
)
def complete(request: HttpRequest, action_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """尚有子事项未完成 → 409；议题的实事全部落实后，议题转为已落实并反馈提出人。"""
    found = queries.access_action(request.auth, action_id, for_write=True)
    data = parse_body(DelibCompleteIn, payload)
    verbs.complete(request.auth, found, data.text)
    return _detail(found.pk)


@router.post(
    "/actions/{action_id}/cancel",
    response={200: DelibActionDetailOut, **ERRORS},
    summary="取消落地实事",
    operation_id="deliberation_actions_cancel",
    openapi_extra=body_doc(DelibCancelIn),
)
def cancel(request: HttpRequest, action_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_action(request.auth, action_id, for_write=True)
    data = parse_body(DelibCancelIn, payload)
    verbs.cancel(request.auth, found, data.reason)
    return _detail(found.pk)
