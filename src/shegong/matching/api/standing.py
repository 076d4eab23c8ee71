"""/api/v1/matching/standing: standing orders (常态化服务) — the community's list and detail
(with the rota), 暂停 / 恢复 / 结束, and the helper's tasks of the day with 完成.

Thin adapters over ``actions.standing``. A standing order or task is found before its body is
read, so another community's is a 404 like a missing one; personal data is masked, the address
never leaves."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Query, Router
from ninja.pagination import paginate

from shegong.core.api import body_doc, parse_body
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.matching.actions import standing
from shegong.matching.models import StandingOrder, StandingTask
from shegong.matching.queries import standing as queries
from shegong.matching.schemas import (
    StandingDetailOut,
    StandingEndIn,
    StandingFilter,
    StandingOut,
    StandingPauseIn,
    StandingTaskDoneIn,
    StandingTaskOut,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


def _detail(pk: int) -> StandingOrder:
    return StandingOrder.objects.select_related("beneficiary").get(pk=pk)


@router.get(
    "/standing",
    response={200: list[StandingOut], **ERRORS},
    summary="常态化服务（辖区内）",
    operation_id="matching_standing_list",
)
@paginate(PagePagination)
def list_standing(request: HttpRequest, filters: Query[StandingFilter]) -> Any:
    """本人工作范围内的常态化服务（如每日送餐），可按社区、类别、状态筛选；服务对象脱敏。"""
    require_perm(request.auth, Perm.MATCHING_VIEW)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return queries.filter_standing(request.auth, params)


@router.get(
    "/standing/tasks/mine",
    response={200: list[StandingTaskOut], **ERRORS},
    summary="我今天的常态化服务任务",
    operation_id="matching_standing_my_tasks",
)
def my_tasks(request: HttpRequest) -> Any:
    """排班给本人（供给的接单账号）的今日任务。"""
    return list(queries.helper_tasks(request.auth, timezone.localdate()))


@router.post(
    "/standing/tasks/{task_id}/done",
    response={200: StandingTaskOut, **ERRORS},
    summary="完成常态化服务任务",
    operation_id="matching_standing_task_done",
    openapi_extra=body_doc(StandingTaskDoneIn),
)
def task_done(request: HttpRequest, task_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """排班的服务方或社区工作人员标记完成；不是本人的任务 → 404；已完成或未到时间 → 409。"""
    found = StandingTask.objects.filter(pk=task_id).first()
    data = parse_body(StandingTaskDoneIn, payload) if found is not None else StandingTaskDoneIn()
    task = standing.mark_done(task_id, request.auth, note=data.note)
    return StandingTask.objects.select_related("standing_order", "standing_order__beneficiary").get(
        pk=task.pk
    )


@router.get(
    "/standing/{standing_id}",
    response={200: StandingDetailOut, **ERRORS},
    summary="常态化服务详情（含排班）",
    operation_id="matching_standing_detail",
)
def detail(request: HttpRequest, standing_id: int) -> Any:
    return _detail(queries.access_standing(request.auth, standing_id).pk)


@router.post(
    "/standing/{standing_id}/pause",
    response={200: StandingDetailOut, **ERRORS},
    summary="暂停（如住院）",
    operation_id="matching_standing_pause",
    openapi_extra=body_doc(StandingPauseIn),
)
def pause(request: HttpRequest, standing_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """暂停至某日（含），期间的任务记为暂停免做；日期早于今天、未填原因 → 422。"""
    found = queries.access_standing(request.auth, standing_id)
    data = parse_body(StandingPauseIn, payload)
    standing.pause(found, request.auth, until=data.until, reason=data.reason)
    return _detail(found.pk)


@router.post(
    "/standing/{standing_id}/resume",
    response={200: StandingDetailOut, **ERRORS},
    summary="恢复服务",
    operation_id="matching_standing_resume",
)
def resume(request: HttpRequest, standing_id: int) -> Any:
    found = queries.access_standing(request.auth, standing_id)
    standing.resume(found, request.auth)
    return _detail(found.pk)


@router.post(
    "/standing/{standing_id}/end",
    response={200: StandingDetailOut, **ERRORS},
    summary="结束服务",
    operation_id="matching_standing_end",
    openapi_extra=body_doc(StandingEndIn),
)
def end(request: HttpRequest, standing_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = queries.access_standing(request.auth, standing_id)
    data = parse_body(StandingEndIn, payload)
    standing.end(found, request.auth, reason=data.reason)
    return _detail(found.pk)
