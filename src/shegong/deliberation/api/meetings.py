"""/api/v1/deliberation/meetings: meetings (议事会) — the list and the detail with agenda and
record, 安排, 发布通知, 议程, 邀请, 签到 (a resident by code or scanned QR; staff for someone),
纪要, 结束, 公开纪要.

Thin adapters over ``actions.meetings``. A meeting is found in the caller's scope before its
body is read, so another street's is a 404 like a missing one. Attendees are shown by name only
to staff of the meeting's community; no phone or address leaves."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.deliberation import queries
from shegong.deliberation.actions import meetings as actions
from shegong.deliberation.models import Meeting
from shegong.deliberation.queries import meetings as meeting_queries

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 410, 422, 429)


class DelibMeetingFilter(Schema):
    region: str | None = Field(None, max_length=15, description="社区或街道区划代码（前缀）")
    kind: str | None = Field(None, max_length=20, description="会议类型")
    status: str | None = Field(None, max_length=12, description="状态")
    month: str | None = Field(None, max_length=7, description="月份 YYYY-MM")


class DelibMeetingOut(Schema):
    id: int
    region_code: str = Field(alias="region_id")
    kind: str
    title: str
    theme: str
    starts_at: datetime
    place: str
    status: str
    quorum_base: str
    expected_count: int
    present_count: int
    paper_signins: int
    notice_published_at: datetime | None
    record_published_at: datetime | None
    closed_at: datetime | None


class DelibAgendaItemOut(Schema):
    id: int
    topic_id: int | None
    title: str
    order: int
    is_vote: bool
    views: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    result: str
    decision: str
    owner_label: str
    due_on: date | None


class DelibInvitationOut(Schema):
    id: int
    kind: str
    name: str


class DelibMeetingDetailOut(DelibMeetingOut):
    notice: str
    summary: str
    signin_code: str
    quorum_needed: int
    quorum_met: bool
    items: list[DelibAgendaItemOut]
    invitations: list[DelibInvitationOut]

    @staticmethod
    def resolve_quorum_needed(obj: Meeting) -> int:
        return int(actions.quorum_line(obj)["needed"])

    @staticmethod
    def resolve_quorum_met(obj: Meeting) -> bool:
        return bool(actions.quorum_line(obj)["met"])

    @staticmethod
    def resolve_items(obj: Meeting) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_invitations(obj: Meeting) -> list[Any]:
        return list(obj.invitations.all())


class DelibMeetingIn(Schema):
    region: str = Field(max_length=15, description="社区区划代码")
    kind: str = Field(max_length=20)
    title: str = Field(max_length=60)
    starts_at: datetime
    place: str = Field(max_length=100)
    theme: str = Field("", max_length=60)
    quorum_base: str | None = Field(None, max_length=20)
    expected_count: int | None = Field(None, ge=0)
    requested_by: str = Field("", max_length=100)


class DelibNoticeIn(Schema):
    notice: str = Field(max_length=2000, description="会议通知")


class DelibAgendaEntryIn(Schema):
    topic: int | None = Field(None, description="议题编号（本社区、未结的）")
    title: str = Field("", max_length=60, description="事项（无议题时必填）")
    is_vote: bool = False


class DelibAgendaIn(Schema):
    items: list[DelibAgendaEntryIn] = Field(max_length=30)


class DelibInviteeIn(Schema):
    kind: str = Field("resident", max_length=20)
    name: str = Field("", max_length=100)
    user: int | None = None
    organization: int | None = None


class DelibInvitationsIn(Schema):
    invitees: list[DelibInviteeIn] = Field(min_length=1, max_length=500)


class DelibSignInIn(Schema):
    token: str = Field("", max_length=400, description="扫码所得（可为整个网址）")
    code: str = Field("", max_length=8, description="签到码")


class DelibSignInForIn(Schema):
    name: str = Field("", max_length=100)
    kind: str = Field("resident", max_length=20)
    user: int | None = None


class DelibAttendanceOut(Schema):
    meeting_id: int
    method: str
    signed_at: datetime


class DelibRecordItemIn(Schema):
    pk: int
    views: str = Field("", max_length=3000)
    votes_for: int = Field(0, ge=0)
    votes_against: int = Field(0, ge=0)
    votes_abstain: int = Field(0, ge=0)
    result: str = Field("pending", max_length=12)
    decision: str = Field("", max_length=300)
    owner_label: str = Field("", max_length=100)
    due_on: date | None = None


class DelibRecordIn(Schema):
    summary: str = Field("", max_length=5000)
    paper_signins: int | None = Field(None, ge=0)
    items: list[DelibRecordItemIn] = Field(default_factory=list, max_length=30)


def _detail(pk: int) -> Meeting:
    return Meeting.objects.select_related("region").get(pk=pk)


@router.get(
    "/meetings",
    response={200: list[DelibMeetingOut], **ERRORS},
    summary="议事会（辖区内）",
    operation_id="deliberation_meetings_list",
)
@paginate(PagePagination)
def list_meetings(request: HttpRequest, filters: Query[DelibMeetingFilter]) -> Any:
    """本人工作范围内的议事会，可按社区、类型、状态、月份筛选。"""
    require_perm(request.auth, Perm.DELIBERATION_VIEW)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return meeting_queries.filter_meetings(request.auth, params)


@router.post(
    "/meetings",
    response={201: DelibMeetingDetailOut, **ERRORS},
    summary="安排议事会",
    operation_id="deliberation_meetings_schedule",
)
def schedule(request: HttpRequest, payload: DelibMeetingIn) -> Any:
    """应到口径默认按会议类型；应到人数默认取社区设置；生成 6 位签到码。"""
    meeting = actions.schedule(request.auth, **payload.dict())
    return Status(201, _detail(meeting.pk))


@router.post(
    "/meetings/sign-in",
    response={200: DelibAttendanceOut, **ERRORS},
    summary="居民签到（扫码或签到码）",
    operation_id="deliberation_meetings_sign_in",
    openapi_extra=body_doc(DelibSignInIn),
)
def sign_in(request: HttpRequest, payload: Body[dict[str, Any]] = None) -> Any:
    """本社区居民在会前 1 小时至会后 4 小时内签到，每人一次；二维码过期 → 410。"""
    data = parse_body(DelibSignInIn, payload)
    attendance = actions.sign_in(request.auth, token=data.token or None, code=data.code)
    return attendance


@router.get(
    "/meetings/{meeting_id}",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="议事会详情（议程、邀请与纪要）",
    operation_id="deliberation_meetings_detail",
)
def detail(request: HttpRequest, meeting_id: int) -> Any:
    return _detail(queries.access_meeting(request.auth, meeting_id).pk)


def _write(request: HttpRequest, meeting_id: int) -> Meeting:
    return queries.access_meeting(request.auth, meeting_id, for_write=True)


@router.post(
    "/meetings/{meeting_id}/notice",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="发布会议通知",
    operation_id="deliberation_meetings_notice",
    openapi_extra=body_doc(DelibNoticeIn),
)
def notice(request: HttpRequest, meeting_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """须提前规定天数（默认 7 天，村民会议 10 天）发布；通知有账号的受邀人。"""
    found = _write(request, meeting_id)
    data = parse_body(DelibNoticeIn, payload)
    actions.publish_notice(request.auth, found, data.notice)
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="维护议程",
    operation_id="deliberation_meetings_agenda",
    openapi_extra=body_doc(DelibAgendaIn),
)
def agenda(request: HttpRequest, meeting_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = _write(request, meeting_id)
    data = parse_body(DelibAgendaIn, payload)
    actions.set_agenda(request.auth, found, [item.dict() for item in data.items])
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/invitations",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="邀请参会",
    operation_id="deliberation_meetings_invite",
    openapi_extra=body_doc(DelibInvitationsIn),
)
def invite(request: HttpRequest, meeting_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """居民、居民代表（本社区账号或姓名）、驻区单位、业委会、物业、社会组织。"""
    found = _write(request, meeting_id)
    data = parse_body(DelibInvitationsIn, payload)
    actions.invite(request.auth, found, [item.dict() for item in data.invitees])
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/attendances",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="工作人员代签",
    operation_id="deliberation_meetings_sign_in_for",
    openapi_extra=body_doc(DelibSignInForIn),
)
def sign_in_for(request: HttpRequest, meeting_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = _write(request, meeting_id)
    data = parse_body(DelibSignInForIn, payload)
    actions.sign_in_for(request.auth, found, data.name, data.kind, data.user)
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/record",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="填写会议纪要",
    operation_id="deliberation_meetings_record",
    openapi_extra=body_doc(DelibRecordIn),
)
def record(request: HttpRequest, meeting_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """票数合计不超过实到；表决事项须达到法定人数，否则 422 并给出应到、实到与所需人数。"""
    found = _write(request, meeting_id)
    data = parse_body(DelibRecordIn, payload)
    actions.save_record(
        request.auth, found, summary=data.summary, paper_signins=data.paper_signins,
        items=[item.dict() for item in data.items],
    )  # fmt: skip
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/close",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="结束议事会（决定转为落地实事）",
    operation_id="deliberation_meetings_close",
)
def close(request: HttpRequest, meeting_id: int) -> Any:
    """无纪要或表决未达法定人数 → 409 并给出人数；每项决定生成一件落地实事。"""
    found = _write(request, meeting_id)
    actions.close(request.auth, found)
    return _detail(found.pk)


@router.post(
    "/meetings/{meeting_id}/publish-record",
    response={200: DelibMeetingDetailOut, **ERRORS},
    summary="向社区公开纪要",
    operation_id="deliberation_meetings_publish_record",
)
def publish_record(request: HttpRequest, meeting_id: int) -> Any:
    found = _write(request, meeting_id)
    actions.publish_record(request.auth, found)
    return _detail(found.pk)
