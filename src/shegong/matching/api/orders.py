"""/api/v1/matching/orders: service orders (四单) — the community's list, detail, 点单, 审核,
the engine's explained candidates, 派单, 抢单池, 改派, 取消, 评单, and the helper's 抢单, 接单,
婉拒, 签到, 完成.

Thin adapters over ``actions.orders``. An order is found *before* its body is validated, so an
outsider learns nothing about another community's order (404, the same as a missing one);
a role without the permission is 403. Personal data is always masked here.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.matching import queries
from shegong.matching.actions import orders
from shegong.matching.models import Order
from shegong.matching.queries import board
from shegong.matching.schemas import (
    MatchCandidateOut,
    OrderCompleteIn,
    OrderDetailOut,
    OrderDispatchIn,
    OrderFilter,
    OrderGrabIn,
    OrderOut,
    OrderPlaceIn,
    OrderPointIn,
    OrderRateIn,
    OrderReasonIn,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


def _detail(pk: int) -> Order:
    return Order.objects.select_related("category", "item", "region", "beneficiary", "offer").get(
        pk=pk
    )


def _found(request: HttpRequest, order_id: int) -> Order:
    return queries.access_order(request.auth, order_id)


# --- the community's side ---------------------------------------------------------------------


@router.get(
    "/orders",
    response={200: list[OrderOut], **ERRORS},
    summary="服务订单（辖区内）",
    operation_id="matching_orders_list",
)
@paginate(PagePagination)
def list_orders(request: HttpRequest, filters: Query[OrderFilter]) -> Any:
    """本人工作范围内各社区的服务订单，按点单时间倒序；可按状态、类别、社区、来源、紧急程度、
    点单日期筛选。服务对象信息脱敏。"""
    require_perm(request.auth, Perm.MATCHING_VIEW)
    qs = board.order_list(
        request.auth, status=filters.status or "", category=filters.category,
        community=filters.community or "", channel=filters.channel or "",
        urgency=filters.urgency or "", date_from=filters.date_from, date_to=filters.date_to,
    )  # fmt: skip
    return qs


@router.post(
    "/orders",
    response={201: OrderDetailOut, **ERRORS},
    summary="点单（居民本人，或工作人员代为点单、随手拍转服务需求）",
    operation_id="matching_orders_place",
)
def place(request: HttpRequest, payload: OrderPlaceIn) -> Any:
    """新订单进入「待审核」。期望时间早于现在、结束早于开始、地点不在所选社区 → 422；
    代为点单（beneficiary）或随手拍转需求（source_report_id）须为社区工作人员 → 否则 403。"""
    order = orders.place(
        request.auth, region=payload.region, category=payload.category, item=payload.item,
        description=payload.description, window_start=payload.window_start,
        window_end=payload.window_end, address=payload.address,
        contact_phone=payload.contact_phone, lat=payload.lat, lon=payload.lon,
        beneficiary=payload.beneficiary, source_report_id=payload.source_report_id,
    )  # fmt: skip
    return Status(201, _detail(order.pk))


@router.get(
    "/orders/{order_id}",
    response={200: OrderDetailOut, **ERRORS},
    summary="服务订单详情",
    operation_id="matching_orders_detail",
)
def detail(request: HttpRequest, order_id: int) -> Any:
    """辖区内的工作人员，或本单的点单人、服务对象、当前服务方可以查看；其他人 → 404。"""
    return _detail(_found(request, order_id).pk)


@router.post(
    "/orders/{order_id}/approve",
    response={200: OrderDetailOut, **ERRORS},
    summary="审核通过",
    operation_id="matching_orders_approve",
)
def approve(request: HttpRequest, order_id: int) -> Any:
    """按类别的派单方式：社区派单 → 待处理；抢单池 → 抢单池；自动派单 → 派给最优候选人。"""
    orders.approve(_found(request, order_id), request.auth)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/refuse",
    response={200: OrderDetailOut, **ERRORS},
    summary="不予受理（须填原因）",
    operation_id="matching_orders_refuse",
    openapi_extra=body_doc(OrderReasonIn),
)
def refuse(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = _found(request, order_id)
    data = parse_body(OrderReasonIn, payload)
    orders.refuse(found, request.auth, data.reason)
    return _detail(order_id)


@router.get(
    "/orders/{order_id}/candidates",
    response={200: list[MatchCandidateOut], **ERRORS},
    summary="推荐服务方（匹配引擎，附逐项说明）",
    operation_id="matching_orders_candidates",
)
def candidates(request: HttpRequest, order_id: int, k: int = 10) -> Any:
    """前 k 名（1–50）候选服务方：综合得分与每项因素（技能、距离、时间、负荷、评价、轮换）
    的得分、权重与说明。不会列出不在服务范围、时间不符、未投保、已停用或已婉拒本单的服务方。"""
    found = _found(request, order_id)
    require_perm(request.auth, Perm.MATCHING_MANAGE)
    if not queries.orders_for_staff(request.auth).filter(pk=found.pk).exists():
        raise NotFound("未找到该服务订单")
    return [
        {"offer_id": m.offer_id, "label": m.label, "score": m.score, "factors": m.factors}
        for m in queries.shortlist(found, k=max(1, min(k, 50)))
    ]


@router.post(
    "/orders/{order_id}/dispatch",
    response={200: OrderDetailOut, **ERRORS},
    summary="派单",
    operation_id="matching_orders_dispatch",
    openapi_extra=body_doc(OrderDispatchIn),
)
def dispatch(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """派给一位服务方；引擎不会推荐的服务方（不可服务、超出范围、未投保、已停用、已婉拒过）
    → 409 并说明原因。"""
    found = _found(request, order_id)
    data = parse_body(OrderDispatchIn, payload)
    orders.dispatch(found, data.offer, request.auth)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/pool",
    response={200: OrderDetailOut, **ERRORS},
    summary="放入抢单池",
    operation_id="matching_orders_pool",
)
def pool(request: HttpRequest, order_id: int) -> Any:
    orders.open_pool(_found(request, order_id), request.auth)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/reassign",
    response={200: OrderDetailOut, **ERRORS},
    summary="改派（须填原因）",
    operation_id="matching_orders_reassign",
    openapi_extra=body_doc(OrderReasonIn),
)
def reassign(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """当前服务方被撤回（不会再收到本单），订单回到「待处理」。"""
    found = _found(request, order_id)
    data = parse_body(OrderReasonIn, payload)
    orders.reassign(found, request.auth, data.reason)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderDetailOut, **ERRORS},
    summary="取消（须填原因）",
    operation_id="matching_orders_cancel",
    openapi_extra=body_doc(OrderReasonIn),
)
def cancel(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """工作人员可在任一未完成环节取消；点单人只能在无人接单前取消。"""
    found = _found(request, order_id)
    data = parse_body(OrderReasonIn, payload)
    orders.cancel(found, request.auth, data.reason)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/rate",
    response={200: OrderDetailOut, **ERRORS},
    summary="评单（服务对象本人或工作人员代评）",
    operation_id="matching_orders_rate",
    openapi_extra=body_doc(OrderRateIn),
)
def rate(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """1–5 星与评价（2 星及以下须写评价），工作人员可附结项说明；其他人 → 403。"""
    found = _found(request, order_id)
    data = parse_body(OrderRateIn, payload)
    orders.rate(
        found, request.auth, stars=data.stars, comment=data.comment,
        closing_note=data.closing_note,
    )  # fmt: skip
    return _detail(order_id)


# --- the helper's side ------------------------------------------------------------------------


@router.post(
    "/orders/{order_id}/grab",
    response={200: OrderDetailOut, **ERRORS},
    summary="抢单",
    operation_id="matching_orders_grab",
    openapi_extra=body_doc(OrderGrabIn),
)
def grab(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """先到先得：已被他人抢走 → 409；您没有可承接本单的已上架供给 → 404。"""
    data = parse_body(OrderGrabIn, payload)
    found = orders.grab(order_id, request.auth, offer=data.offer)
    return _detail(found.pk)


@router.post(
    "/orders/{order_id}/accept",
    response={200: OrderDetailOut, **ERRORS},
    summary="接单",
    operation_id="matching_orders_accept",
)
def accept(request: HttpRequest, order_id: int) -> Any:
    orders.accept(_found(request, order_id), request.auth)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/decline",
    response={200: OrderDetailOut, **ERRORS},
    summary="婉拒（须填原因）",
    operation_id="matching_orders_decline",
    openapi_extra=body_doc(OrderReasonIn),
)
def decline(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """订单转给下一位候选人，不会再派给您。"""
    found = _found(request, order_id)
    data = parse_body(OrderReasonIn, payload)
    orders.decline(found, request.auth, data.reason)
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/start",
    response={200: OrderDetailOut, **ERRORS},
    summary="签到（开始服务）",
    operation_id="matching_orders_start",
    openapi_extra=body_doc(OrderPointIn),
)
def start(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """须在服务地点附近（300 米加定位精度）签到。"""
    found = _found(request, order_id)
    data = parse_body(OrderPointIn, payload)
    orders.start(
        found, request.auth, lat=data.lat, lon=data.lon, accuracy=data.accuracy, crs=data.crs
    )
    return _detail(order_id)


@router.post(
    "/orders/{order_id}/complete",
    response={200: OrderDetailOut, **ERRORS},
    summary="服务完成",
    operation_id="matching_orders_complete",
    openapi_extra=body_doc(OrderCompleteIn),
)
def complete(request: HttpRequest, order_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """服务记录与时长；时长转为志愿服务记录，待队伍确认。"""
    found = _found(request, order_id)
    data = parse_body(OrderCompleteIn, payload)
    orders.complete(
        found, request.auth, note=data.note, hours=data.hours, lat=data.lat, lon=data.lon,
        accuracy=data.accuracy, crs=data.crs,
    )  # fmt: skip
    return _detail(order_id)
