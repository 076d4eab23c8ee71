"""/api/v1/matching: the needs list and the supply list of the communities in scope.

Thin adapters over ``actions.lists`` and ``queries.lists``: another street's entry is 404,
the same as a missing one; a POST on an entry finds it before it reads the body.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.matching.actions import lists
from shegong.matching.queries import lists as list_queries
from shegong.matching.schemas import (
    NeedFilter,
    NeedIn,
    NeedOut,
    OfferFilter,
    OfferIn,
    OfferOut,
    OfferReviewIn,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


@router.get(
    "/needs",
    response={200: list[NeedOut], **ERRORS},
    summary="需求清单",
    operation_id="matching_needs_list",
)
@paginate(PagePagination)
def list_needs(request: HttpRequest, filters: Query[NeedFilter]) -> Any:
    """辖区内各社区的需求清单；可按社区、类别、状态、紧急程度筛选，搜索描述。"""
    require_perm(request.auth, Perm.MATCHING_VIEW)
    qs = list_queries.filter_needs(request.auth, filters.dict())
    return qs.select_related("category")


@router.post(
    "/needs",
    response={201: NeedOut, **ERRORS},
    summary="登记需求",
    operation_id="matching_needs_create",
)
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    """在辖区内某社区的需求清单中登记一条需求（须有维护清单的权限）。"""
    data = payload.dict()
    need = lists.save_need(request.auth, region=data.pop("region"), **data)
    return Status(201, need)


@router.get(
    "/offers",
    response={200: list[OfferOut], **ERRORS},
    summary="供给清单（项目超市）",
    operation_id="matching_offers_list",
)
@paginate(PagePagination)
def list_offers(request: HttpRequest, filters: Query[OfferFilter]) -> Any:
    """辖区内各社区的供给清单；可按社区、类别、提供方类型、状态、收费、是否可承接风险服务筛选。"""
    require_perm(request.auth, Perm.MATCHING_VIEW)
    qs = list_queries.filter_offers(request.auth, filters.dict())
    return qs.select_related("category")


@router.post(
    "/offers",
    response={201: OfferOut, **ERRORS},
    summary="登记供给",
    operation_id="matching_offers_create",
)
def create_offer(request: HttpRequest, payload: OfferIn) -> Any:
    """登记一条供给（待审核）；提供方为志愿者或队伍时，接单账号默认为志愿者本人或队长。"""
    data = payload.dict()
    offer = lists.save_offer(request.auth, region=data.pop("region"), **data)
    return Status(201, offer)


@router.post(
    "/offers/{offer_id}/review",
    response={200: OfferOut, **ERRORS},
    summary="审核供给",
    operation_id="matching_offers_review",
    openapi_extra=body_doc(OfferReviewIn),
)
def review_offer(request: HttpRequest, offer_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """上架、暂停、停用（暂停、停用须说明原因）。不在辖区 → 404；不允许的状态变化 → 409。"""
    offer = list_queries.access_offer(request.auth, offer_id)
    data = parse_body(OfferReviewIn, payload)
    return lists.review_offer(offer, request.auth, data.status, data.reason)
