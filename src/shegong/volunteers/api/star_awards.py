"""/api/v1/star-awards: 星级认定 (申请 → 审核 → 公示 → 认定).

Thin adapters over ``actions.star_awards``. Staff (volunteers.view to read, volunteers.manage to
decide) see the applications of volunteers in their scope; another street's is 404, the same as
a missing one, and a POST finds its application *before* it reads the body. A volunteer applies
and withdraws through ``/me``; anyone else's application is 404.

This module uses ``@idempotent`` and so must not use ``from __future__ import annotations``.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import NotFound
from shegong.core.idempotency import idempotent
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.volunteers import stars
from shegong.volunteers.actions import star_awards
from shegong.volunteers.models import StarAward
from shegong.volunteers.queries import access
from shegong.volunteers.queries import star_awards as queries
from shegong.volunteers.schemas.star_awards import (
    MyStarApplyIn,
    MyStarsOut,
    StarApplyIn,
    StarAwardFilter,
    StarAwardOut,
    StarNoteIn,
    StarReasonIn,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
MY_LIMIT = 20


def _reload(pk: int) -> StarAward:
    return StarAward.objects.select_related("volunteer__person").defer(*queries.PII).get(pk=pk)


def _my_volunteer(request: HttpRequest) -> Any:
    volunteer = access.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound("您还没有注册为志愿者")
    return volunteer


@router.get(
    "",
    response={200: list[StarAwardOut], **ERRORS},
    summary="星级认定申请（辖区内）",
    operation_id="star_awards_list",
)
@paginate(PagePagination)
def list_awards(request: HttpRequest, filters: Query[StarAwardFilter]) -> Any:
    """辖区内志愿者的星级认定申请：review 待审核（最早的在前）、publicity 公示中、due 公示期满
    待认定、done 已办结（认定、驳回、撤回）。"""
    require_perm(request.auth, Perm.VOLUNTEERS_VIEW)
    tab = filters.tab if filters.tab in queries.TABS else "review"
    return queries.listing(request.auth, tab)


@router.post(
    "",
    response={200: StarAwardOut, 201: StarAwardOut, **ERRORS},
    summary="代为申请星级认定（工作人员）",
    operation_id="star_awards_apply",
)
@idempotent
def apply(request: HttpRequest, payload: StarApplyIn) -> Any:
    """工作人员（志愿者管理权限、志愿者在辖区内）代志愿者申请。新申请 → 201；与进行中的申请
    相同 → 200；不符合条件 → 409（说明差多少时长或注册月数）；辖区外 → 404。"""
    created = star_awards.apply(payload.volunteer, actor=request.auth, star=payload.star)
    return Status(201 if created.created else 200, _reload(created.pk))


@router.get(
    "/me",
    response={200: MyStarsOut, **ERRORS},
    summary="我的星级、可申请的星级与申请",
    operation_id="star_awards_me",
)
def my_stars(request: HttpRequest) -> Any:
    """本人已认定的星级、计入星级的时长、注册月数、当前可申请的星级，以及最近的申请。"""
    volunteer = _my_volunteer(request)
    found = stars.eligibility(volunteer)
    shortfall = ""
    if not found.can_apply and volunteer.star < len(stars.thresholds()):
        shortfall = found.shortfall(volunteer.star + 1)
    applications = queries.mine(volunteer).select_related("volunteer__person").defer(*queries.PII)
    return {
        "star": volunteer.star, "counted_hours": found.counted_hours,
        "months_registered": found.months, "eligible_star": found.star,
        "can_apply": found.can_apply, "next_star_shortfall": shortfall,
        "applications": list(applications[:MY_LIMIT]),
    }  # fmt: skip


@router.post(
    "/me",
    response={200: StarAwardOut, 201: StarAwardOut, **ERRORS},
    summary="申请星级认定（本人）",
    operation_id="star_awards_apply_mine",
    openapi_extra=body_doc(MyStarApplyIn),
)
@idempotent
def apply_mine(request: HttpRequest, payload: Body[dict[str, Any]] = None) -> Any:
    """申请当前符合条件的最高星级（或指定星级）。新申请 → 201；重复提交 → 200 返回原申请；
    不符合条件 → 409 并说明原因；已有其他进行中的申请 → 409。"""
    volunteer = _my_volunteer(request)
    data = parse_body(MyStarApplyIn, payload)
    created = star_awards.apply(volunteer, actor=request.auth, star=data.star)
    return Status(201 if created.created else 200, _reload(created.pk))


@router.post(
    "/me/{award_id}/withdraw",
    response={200: StarAwardOut, **ERRORS},
    summary="撤回星级认定申请（本人）",
    operation_id="star_awards_withdraw",
)
def withdraw(request: HttpRequest, award_id: int) -> Any:
    """撤回本人申请中或公示中的申请；已办结 → 409；不是本人的申请 → 404。"""
    found = star_awards.withdraw(award_id, actor=request.auth)
    return _reload(found.pk)


@router.get(
    "/{award_id}",
    response={200: StarAwardOut, **ERRORS},
    summary="星级认定申请详情",
    operation_id="star_awards_detail",
)
def detail(request: HttpRequest, award_id: int) -> Any:
    return queries.access_award(request.auth, award_id)


@router.post(
    "/{award_id}/approve",
    response={200: StarAwardOut, **ERRORS},
    summary="审核通过（开始公示）",
    operation_id="star_awards_approve",
    openapi_extra=body_doc(StarNoteIn),
)
def approve(request: HttpRequest, award_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """重新核对条件后开始公示，公示期不少于 5 个工作日；不再符合条件 → 409；不是申请中 → 409。"""
    found = queries.access_award(request.auth, award_id)
    require_perm(request.auth, Perm.VOLUNTEERS_MANAGE)
    data = parse_body(StarNoteIn, payload)
    star_awards.approve(found.pk, actor=request.auth, note=data.note)
    return _reload(found.pk)


@router.post(
    "/{award_id}/reject",
    response={200: StarAwardOut, **ERRORS},
    summary="驳回星级认定申请",
    operation_id="star_awards_reject",
    openapi_extra=body_doc(StarReasonIn),
)
def reject(request: HttpRequest, award_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """须填写原因（reason），志愿者会收到通知。"""
    found = queries.access_award(request.auth, award_id)
    require_perm(request.auth, Perm.VOLUNTEERS_MANAGE)
    data = parse_body(StarReasonIn, payload)
    star_awards.reject(found.pk, actor=request.auth, reason=data.reason)
    return _reload(found.pk)


@router.post(
    "/{award_id}/object",
    response={200: StarAwardOut, **ERRORS},
    summary="登记公示期异议（退回重审）",
    operation_id="star_awards_object",
    openapi_extra=body_doc(StarReasonIn),
)
def object_to(request: HttpRequest, award_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """公示期内登记异议（reason 必填），申请退回「申请中」重新审核；公示期外 → 409。"""
    found = queries.access_award(request.auth, award_id)
    require_perm(request.auth, Perm.VOLUNTEERS_MANAGE)
    data = parse_body(StarReasonIn, payload)
    star_awards.object_to(found.pk, actor=request.auth, reason=data.reason)
    return _reload(found.pk)


@router.post(
    "/{award_id}/award",
    response={200: StarAwardOut, **ERRORS},
    summary="认定星级（公示期满后）",
    operation_id="star_awards_award",
)
def award(request: HttpRequest, award_id: int) -> Any:
    """公示期满后认定，志愿者的星级随之更新；公示未满 → 409（说明结束日期）。"""
    found = queries.access_award(request.auth, award_id)
    require_perm(request.auth, Perm.VOLUNTEERS_MANAGE)
    star_awards.award(found.pk, actor=request.auth)
    return _reload(found.pk)
