"""/api/v1/deliberation/topics: the topics (议题) — list, detail, create, support, withdraw,
follow, answer, merge.

Staff (deliberation.view) see the topics of their scope; anyone else (a resident, volunteer,
rider) sees the topics of their own community and the ones they raised. Another street's topic
is 404, the same as a missing one; a POST on a topic finds it before it reads the body.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.pii import mask_name
from shegong.core.schemas import PagePagination, problem_responses
from shegong.deliberation import queries
from shegong.deliberation.actions import topics as actions
from shegong.deliberation.models import Topic
from shegong.deliberation.queries import topics as topic_queries

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


class DelibTopicFilter(Schema):
    community: str | None = Field(None, max_length=20, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    status: str | None = Field(None, max_length=12, description="状态")
    source: str | None = Field(None, max_length=16, description="来源")
    clock: str | None = Field(
        None, pattern="^(overdue|due_soon|agenda)$", description="overdue/due_soon/agenda"
    )
    q: str | None = Field(None, max_length=50, description="搜索议题、内容")
    sort: str | None = Field(None, pattern="^(supports|newest|due)$", description="排序")


class DelibTopicIn(Schema):
    region: str = Field(max_length=20, description="社区区划代码")
    category: int = Field(description="类别编号")
    title: str = Field(max_length=60, description="议题")
    body: str = Field(max_length=2000, description="具体内容")
    place: str = Field("", max_length=100, description="地点")
    lat: float | None = Field(None, description="纬度（WGS-84）")
    lon: float | None = Field(None, description="经度（WGS-84）")
    party_member: bool = Field(False, description="以党员身份提出")
    on_behalf_label: str = Field("", max_length=40, description="代为录入时的提出人")
    report: int | None = Field(None, description="随手拍工单编号（工作人员转议题）")
    need: int | None = Field(None, description="需求编号（工作人员转议题）")


class DelibTopicOut(Schema):
    id: int
    region_id: str
    category_id: int
    category_name: str = Field(alias="category.name")
    title: str
    body: str
    place: str
    source: str
    submitter_shown: str
    status: str
    answer: str
    answered_at: datetime | None
    answer_due_at: datetime | None
    support_count: int
    agenda_ready_at: datetime | None
    merged_into_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_submitter_shown(obj: Topic) -> str:
        if obj.submitter_label:
            return obj.submitter_label
        return mask_name(obj.submitter.name) if obj.submitter_id and obj.submitter else ""


class DelibAnswerIn(Schema):
    status: str = Field(max_length=12, description="evaluating/adopted/rejected")
    reason: str = Field("", max_length=1000, description="答复意见（不予采纳须填写理由）")


class DelibMergeIn(Schema):
    into: int = Field(description="合并至的议题编号")
    reason: str = Field("", max_length=200, description="合并说明")


class DelibFollowIn(Schema):
    on: bool = Field(True, description="true 关注，false 取消关注")


def _find(user: Any, topic_id: int) -> Topic:
    if queries.is_staff(user):
        return queries.access_topic(user, topic_id)
    return topic_queries.access_member_topic(user, topic_id)


@router.get(
    "/topics",
    response={200: list[DelibTopicOut], **ERRORS},
    summary="议题列表",
    operation_id="deliberation_topics_list",
)
@paginate(PagePagination)
def list_topics(request: HttpRequest, filters: Query[DelibTopicFilter]) -> Any:
    """工作人员：辖区内的议题，可按社区、类别、状态、来源、答复时限筛选；居民：本社区的议题和自己提出的议题。"""
    user = request.auth
    if queries.is_staff(user):
        qs = topic_queries.filter_topics(user, filters.dict())
    else:
        qs = (topic_queries.hall_topics(user) | topic_queries.my_topics(user)).order_by(
            "-created_at", "-id"
        )
        data = filters.dict()
        for key, field in (("community", "region_id"), ("category", "category_id"),
                           ("status", "status")):  # fmt: skip
            if data.get(key) not in (None, ""):
                qs = qs.filter(**{field: data[key]})
    return qs.select_related("category", "submitter")


@router.get(
    "/topics/{topic_id}",
    response={200: DelibTopicOut, **ERRORS},
    summary="议题详情",
    operation_id="deliberation_topics_detail",
)
def topic_detail(request: HttpRequest, topic_id: int) -> Any:
    return _find(request.auth, topic_id)


@router.post(
    "/topics",
    response={201: DelibTopicOut, **ERRORS},
    summary="提出议题",
    operation_id="deliberation_topics_create",
)
def create_topic(request: HttpRequest, payload: DelibTopicIn) -> Any:
    """居民、志愿者、新就业群体为本社区提出议题；工作人员为辖区内社区录入，或由随手拍工单、未满足需求转入。"""
    data = payload.dict()
    report, need = data.pop("report"), data.pop("need")
    party = data.pop("party_member")
    if report:
        data.pop("region")
        topic = actions.raise_from_report(request.auth, report, **data)
    elif need:
        data.pop("region")
        topic = actions.raise_from_need(request.auth, need, **data)
    else:
        topic = actions.submit(request.auth, source="party_member" if party else None, **data)
    return Status(201, topic)


@router.post(
    "/topics/{topic_id}/support",
    response={200: DelibTopicOut, **ERRORS},
    summary="支持议题",
    operation_id="deliberation_topics_support",
)
def support_topic(request: HttpRequest, topic_id: int) -> Any:
    """本社区居民支持一个未关闭的议题，每人一次；再次支持 → 409。"""
    return actions.support(request.auth, _find(request.auth, topic_id))


@router.post(
    "/topics/{topic_id}/withdraw",
    response={200: DelibTopicOut, **ERRORS},
    summary="撤回支持",
    operation_id="deliberation_topics_withdraw",
)
def withdraw_topic_support(request: HttpRequest, topic_id: int) -> Any:
    return actions.withdraw_support(request.auth, _find(request.auth, topic_id))


@router.post(
    "/topics/{topic_id}/follow",
    response={200: DelibTopicOut, **ERRORS},
    summary="关注或取消关注议题",
    operation_id="deliberation_topics_follow",
    openapi_extra=body_doc(DelibFollowIn),
)
def follow_topic(request: HttpRequest, topic_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    topic = _find(request.auth, topic_id)
    data = parse_body(DelibFollowIn, payload)
    return actions.follow(request.auth, topic, data.on)


@router.post(
    "/topics/{topic_id}/answer",
    response={200: DelibTopicOut, **ERRORS},
    summary="答复议题",
    operation_id="deliberation_topics_answer",
    openapi_extra=body_doc(DelibAnswerIn),
)
def answer_topic(request: HttpRequest, topic_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """评估中、采纳或不予采纳（须写明理由）。不在辖区 → 404；不允许的状态变化 → 409。"""
    topic = queries.access_topic(request.auth, topic_id, for_write=True)
    data = parse_body(DelibAnswerIn, payload)
    return actions.answer(request.auth, topic, data.status, data.reason)


@router.post(
    "/topics/{topic_id}/merge",
    response={200: DelibTopicOut, **ERRORS},
    summary="合并重复议题",
    operation_id="deliberation_topics_merge",
    openapi_extra=body_doc(DelibMergeIn),
)
def merge_topic(request: HttpRequest, topic_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """将本议题合并到同一社区另一个未关闭的议题，支持数一并计入；返回合并后的目标议题。"""
    topic = queries.access_topic(request.auth, topic_id, for_write=True)
    data = parse_body(DelibMergeIn, payload)
    return actions.merge(request.auth, topic, data.into, data.reason)
