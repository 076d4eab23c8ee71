"""/api/v1/service-records: review of service hours, my hours, my requests for a certificate,
public certificate check.

Thin adapters over ``hours``, ``certificates`` and ``certificate_requests``. Records are
those of the teams the caller runs (staff with volunteers.manage in their region, or the
team's leader); another team's record is 404, the same as a missing one. A POST finds its
record *before* it validates the body, so an outsider learns nothing about somebody else's
record, not even "your body is wrong". Names are masked everywhere; the public check shows a
masked name and no ID. A volunteer's certificate requests are their own: anyone else's is 404.

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
from shegong.core.schemas import PagePagination, problem_responses
from shegong.volunteers import stars
from shegong.volunteers.actions import certificate_requests, disputes, hours
from shegong.volunteers.choices import CertificateRequestStatus, RecordStatus
from shegong.volunteers.models import ServiceRecord
from shegong.volunteers.queries import access
from shegong.volunteers.queries import certificates as certificate_queries
from shegong.volunteers.queries import disputes as dispute_queries
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.schemas.hours import (
    MY_LIMIT,
    AdjustIn,
    BulkApproveIn,
    BulkApproveOut,
    CertificateCheckOut,
    CertificateRequestIn,
    DisputeAnswerIn,
    DisputeIn,
    DisputeOut,
    MyCertificateRequestOut,
    MyCertificateRequestsOut,
    MyHoursOut,
    PublicityOut,
    RecordFilter,
    RecordOut,
    ReviewIn,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


# --- helpers ----------------------------------------------------------------------------------


def _with_relations(qs: Any) -> Any:
    return qs.select_related("volunteer__person", "team", "activity").defer(
        "volunteer__person__id_number", "volunteer__person__id_number_index"
    )


def _reload(record_id: int) -> ServiceRecord:
    return _with_relations(ServiceRecord.objects).get(pk=record_id)


# --- review -----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[RecordOut], **ERRORS},
    summary="服务记录（本人负责的队伍）",
    operation_id="service_records_list",
)
@paginate(PagePagination)
def list_records(request: HttpRequest, filters: Query[RecordFilter]) -> Any:
    """本人负责的队伍（社区/街道工作人员：辖区内队伍；队伍负责人：本队伍）的服务记录，
    按服务日期倒序；可按队伍、活动、状态、日期、是否自动签退、志愿者编号筛选。"""
    qs = hours_queries.queue(
        request.auth, team=filters.team, activity=filters.activity, status=filters.status,
        date_from=filters.served_from, date_to=filters.served_to,
        auto_closed=filters.auto_closed, volunteer_number=filters.volunteer_number or "",
    )  # fmt: skip
    return _with_relations(qs)


@router.post(
    "/approve",
    response={200: BulkApproveOut, **ERRORS},
    summary="批量确认服务时长",
    operation_id="service_records_approve_many",
)
def approve_many(request: HttpRequest, payload: BulkApproveIn) -> Any:
    """全部确认或全部不确认（一个事务）；任一记录不存在或不在本人负责的队伍 → 404，
    任一记录不是待审核 → 409，均不写入。"""
    done = hours.approve_many(payload.ids, request.auth, payload.note, payload.evaluation)
    records = list(_with_relations(ServiceRecord.objects).filter(pk__in=[r.pk for r in done]))
    return {"approved": len(done), "hours": float(sum(r.hours for r in done)), "records": records}


@router.get(
    "/me",
    response={200: MyHoursOut, **ERRORS},
    summary="我的服务时长、星级与证明",
    operation_id="service_records_me",
)
def my_hours(request: HttpRequest) -> Any:
    """本人（志愿者）的累计确认时长、已认定星级、按计入星级的时长距下一星级还差多少、最近的
    服务记录和记录证明。"""
    volunteer = access.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound("您还没有注册为志愿者")
    upcoming = stars.next_star(stars.counted_hours(volunteer))
    rows = volunteer.records.select_related("team", "activity").order_by("-served_on", "-pk")
    return {
        "number": volunteer.number,
        "hours": float(volunteer.hours),
        "star": volunteer.star,
        "next_star": upcoming.star if upcoming else None,
        "next_star_hours": upcoming.hours if upcoming else None,
        "missing_hours": float(upcoming.missing) if upcoming else None,
        "pending_records": volunteer.records.filter(status=RecordStatus.PENDING).count(),
        "records": [
            {
                "id": r.pk,
                "team_name": r.team.name,
                "activity_title": r.activity.title if r.activity_id else "",
                "kind": r.kind,
                "status": r.status,
                "status_label": r.get_status_display(),
                "content": r.content,
                "served_on": r.served_on,
                "hours": float(r.hours),
                "auto_closed": r.auto_closed,
                "review_note": r.review_note,
                "evaluation_label": r.get_evaluation_display() if r.evaluation else "",
            }
            for r in rows[:MY_LIMIT]
        ],
        "certificates": [
            {
                "id": c.pk,
                "serial": c.serial,
                "issuer_name": c.issuer_name,
                "period_start": c.period_start,
                "period_end": c.period_end,
                "hours": float(c.hours),
                "issued_at": c.issued_at,
                "revoked": c.revoked_at is not None,
            }
            for c in volunteer.certificates.order_by("-issued_at", "-pk")
        ],
        "open_certificate_requests": list(
            certificate_queries.my_requests(volunteer).filter(
                status=CertificateRequestStatus.REQUESTED
            )
        ),
    }


def _my_volunteer(request: HttpRequest) -> Any:
    volunteer = access.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound("您还没有注册为志愿者")
    return volunteer


@router.post(
    "/certificates/requests",
    response={200: MyCertificateRequestOut, 201: MyCertificateRequestOut, **ERRORS},
    summary="申请志愿服务记录证明（本人）",
    operation_id="service_records_certificate_request",
)
@idempotent
def request_certificate(request: HttpRequest, payload: CertificateRequestIn) -> Any:
    """向记录您服务时长的队伍申请出具记录证明（免费）。新申请 → 201；与待受理的申请相同
    （同一队伍、期间、用途）→ 200 返回原申请；同一队伍已有不同的待受理申请 → 409（请先撤回）；
    队伍不存在或没有您已确认的时长 → 404；期间内没有时长 → 422。支持 Idempotency-Key。"""
    volunteer = _my_volunteer(request)
    req = certificate_requests.request_certificate(
        volunteer, payload.team, actor=request.auth, period_start=payload.period_start,
        period_end=payload.period_end, purpose=payload.purpose,
    )  # fmt: skip
    body = certificate_queries.my_requests(volunteer).get(pk=req.pk)
    return Status(201 if req.created else 200, body)


@router.get(
    "/certificates/requests/me",
    response={200: MyCertificateRequestsOut, **ERRORS},
    summary="我的记录证明申请与可申请的队伍",
    operation_id="service_records_certificate_requests_me",
)
def my_certificate_requests(request: HttpRequest) -> Any:
    """本人的记录证明申请（新的在前；出具后带证明编号，不予出具时带原因），以及可以申请的
    队伍（各队伍已确认的时长、首次服务日期）。"""
    volunteer = _my_volunteer(request)
    teams = certificate_queries.requestable_teams(volunteer)
    return {
        "teams": [
            {
                "team_id": t.team.pk,
                "team_name": t.team.name,
                "hours": float(t.hours),
                "first_served_on": t.first_served_on,
            }
            for t in teams
        ],
        "requests": list(certificate_queries.my_requests(volunteer)[:MY_LIMIT]),
    }


@router.post(
    "/certificates/requests/{request_id}/withdraw",
    response={200: MyCertificateRequestOut, **ERRORS},
    summary="撤回记录证明申请（本人）",
    operation_id="service_records_certificate_request_withdraw",
)
def withdraw_certificate_request(request: HttpRequest, request_id: int) -> Any:
    """撤回本人待受理的申请；已出具/不予出具/已撤回 → 409；不是本人的申请 → 404。"""
    found = certificate_requests.withdraw_request(request_id, actor=request.auth)
    return certificate_queries.my_requests(found.volunteer).get(pk=found.pk)


@router.post(
    "/certificates/requests/{request_id}/approve",
    response={200: PublicityOut, **ERRORS},
    summary="受理记录证明申请并开始内部公示",
    operation_id="service_records_certificate_request_approve",
)
def approve_certificate_request(request: HttpRequest, request_id: int) -> Any:
    """受理后内部公示（默认 7 天），期满无异议方可出具；出具单位未依法设立或缺少印章、
    负责人、经办人 → 409（说明如何处理）；不是本队伍的申请 → 404。"""
    found = certificate_queries.access_request(request.auth, request_id)
    return certificate_requests.approve_request(found, actor=request.auth)


@router.get(
    "/disputes",
    response={200: list[DisputeOut], **ERRORS},
    summary="服务记录异议（本人所管队伍）",
    operation_id="service_records_disputes",
)
@paginate(PagePagination)
def list_disputes(request: HttpRequest, overdue: bool = False) -> Any:
    """待答复的异议，答复期限最近的在前；overdue=true 只看已超期的。"""
    return dispute_queries.worklist(request.auth, overdue=overdue)


@router.post(
    "/disputes/{dispute_id}/answer",
    response={200: DisputeOut, **ERRORS},
    summary="答复服务记录异议（维持或更正）",
    operation_id="service_records_dispute_answer",
    openapi_extra=body_doc(DisputeAnswerIn),
)
def answer_dispute(
    request: HttpRequest, dispute_id: int, payload: Body[dict[str, Any]] = None
) -> Any:
    """维持原记录，或更正为 hours（以更正记录入账，原记录不改）；已答复 → 409。"""
    found = dispute_queries.access_dispute(request.auth, dispute_id)
    data = parse_body(DisputeAnswerIn, payload)
    return disputes.answer_dispute(
        found, actor=request.auth, decision=data.decision, answer=data.answer, hours=data.hours
    )


@router.post(
    "/{record_id}/disputes",
    response={201: DisputeOut, **ERRORS},
    summary="对本人的服务记录提出异议",
    operation_id="service_records_dispute",
    openapi_extra=body_doc(DisputeIn),
)
def raise_dispute(
    request: HttpRequest, record_id: int, payload: Body[dict[str, Any]] = None
) -> Any:
    """本人已确认的记录；同一记录只能有一条待答复的异议（409）；不是本人的记录 → 404。"""
    found = dispute_queries.access_my_record(request.auth, record_id)
    data = parse_body(DisputeIn, payload)
    dispute = disputes.raise_dispute(
        found, actor=request.auth, reason=data.reason, hours=data.hours
    )
    return Status(201, dispute)


@router.get(
    "/certificates/{serial}/verify",
    response={200: CertificateCheckOut, **problem_responses(404, 410)},
    summary="核验志愿服务记录证明（公开，无需登录）",
    operation_id="service_records_certificate_verify",
    auth=None,
)
def verify_certificate(request: HttpRequest, serial: str) -> Any:
    """按证明编号核验：有效时返回脱敏姓名、时长、期间、出具单位；编号不存在 → 404
    「未找到该证明」，已作废 → 410「该证明已作废」。"""
    view = certificate_queries.public_view(certificate_queries.verify(serial))
    return {**view, "hours": float(view["hours"])}


@router.post(
    "/{record_id}/approve",
    response={200: RecordOut, **ERRORS},
    summary="确认服务时长",
    operation_id="service_records_approve",
    openapi_extra=body_doc(ReviewIn),
)
def approve(request: HttpRequest, record_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """待审核记录的时长计入志愿者累计时长并重算星级；已确认/已退回 → 409。"""
    found = access.access_record(request.auth, record_id)
    data = parse_body(ReviewIn, payload)
    hours.approve(found, request.auth, data.note, data.evaluation)
    return _reload(found.pk)


@router.post(
    "/{record_id}/decline",
    response={200: RecordOut, **ERRORS},
    summary="不予确认服务时长",
    operation_id="service_records_decline",
    openapi_extra=body_doc(ReviewIn),
)
def decline(request: HttpRequest, record_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """须填写原因（note）；志愿者会收到通知。"""
    found = access.access_record(request.auth, record_id)
    data = parse_body(ReviewIn, payload)
    hours.decline(found, request.auth, data.note)
    return _reload(found.pk)


@router.post(
    "/{record_id}/adjust",
    response={201: RecordOut, **ERRORS},
    summary="更正已确认的服务时长",
    operation_id="service_records_adjust",
    openapi_extra=body_doc(AdjustIn),
)
@idempotent
def adjust(request: HttpRequest, record_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """已确认的记录不可修改：新增一条更正记录（hours_delta 带符号，须填原因），立即计入
    累计时长并重算星级。支持 Idempotency-Key：网络重试不会重复更正。"""
    found = access.access_record(request.auth, record_id)
    data = parse_body(AdjustIn, payload)
    correction = hours.adjust(found, request.auth, data.hours_delta, data.reason)
    return Status(201, _reload(correction.pk))
