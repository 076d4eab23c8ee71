"""/api/v1/stations/me and /api/v1/stations/checkin: the worker's own API (login required).

Self-scoped by construction: the worker is always the caller's own profile
(``Worker.person.user``), never one named in the request, so there is nothing of anyone else to
reach. A caller without a (live) worker profile gets 404 "您还没有登记为新就业群体". The check-in
names its station only by the signed token of the poster's QR code (a forged or altered one is
404), like the H5 page, and calls the same action, ``actions.visits.record_visit``: a second
scan within 30 minutes is 409 with the earlier time, a station not open is 409, an unknown
service 422.

This module uses ``@idempotent`` and so must not use ``from __future__ import annotations``.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from shegong.core.errors import NotFound
from shegong.core.idempotency import idempotent
from shegong.core.schemas import problem_responses

from .. import qr, queries
from ..actions import visits
from ..actions.workers import WORKER_KINDS
from ..models import Distribution, Enrollment, Visit, Worker
from ..schemas import CheckinIn, VisitOut, WorkerMeOut

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
NOT_A_WORKER = "您还没有登记为新就业群体"
LAST_VISITS = 20
LIST_LIMIT = 100
CHECKIN_PATH = "/checkin/"


def my_worker(user: Any) -> Worker:
    """The caller's own worker profile, or NotFound."""
    worker = (
        Worker.objects.filter(person__user=user)
        .select_related("person", "platform", "region")
        .first()
        if getattr(user, "pk", None) is not None
        else None
    )
    if worker is None:
        raise NotFound(NOT_A_WORKER)
    return worker


def visit_out(visit: Visit, station_name: str) -> dict[str, Any]:
    return {
        "id": visit.pk, "station_id": visit.station_id, "station_name": station_name,
        "at": visit.at, "services": list(visit.services or []), "source": visit.source,
    }  # fmt: skip


def _token(raw: str) -> str:
    """The token itself, also when the app hands in the whole scanned URL."""
    text = raw.strip()
    if CHECKIN_PATH in text:
        text = text.split(CHECKIN_PATH, 1)[1]
    return text.split("?", 1)[0].strip("/")


@router.get(
    "/me",
    response={200: WorkerMeOut, **ERRORS},
    summary="我的新就业群体档案与签到（本人）",
    operation_id="stations_me",
)
def me(request: HttpRequest) -> Any:
    """调用者本人的档案（姓名、手机号、身份证号均脱敏）、本月签到次数、最近 20 次签到、领取的关爱
    物资和参保记录。只返回本人的数据；未登记为新就业群体时返回 404。"""
    worker = my_worker(request.auth)
    person = worker.person
    recent = (
        Visit.objects.filter(worker=worker)
        .select_related("station")
        .only("pk", "at", "services", "source", "station__name")
        .order_by("-at", "-id")[:LAST_VISITS]
    )
    benefits = (
        Distribution.objects.filter(worker=worker)
        .select_related("campaign", "station")
        .order_by("-given_at", "-id")[:LIST_LIMIT]
    )
    today = timezone.localdate()
    enrolments = (
        Enrollment.objects.filter(worker=worker)
        .select_related("batch")
        .order_by("-batch__ends_on", "-pk")[:LIST_LIMIT]
    )
    return {
        "profile": {
            "id": worker.pk, "name": person.name_masked, "phone": person.phone_masked,
            "id_number": person.id_number_masked, "kind": worker.kind,
            "kind_label": dict(WORKER_KINDS).get(worker.kind, worker.kind),
            "platform": worker.platform.name if worker.platform_id else None,
            "delivery_site": worker.delivery_site, "party_member": worker.party_member,
            "region": worker.region_id, "region_name": worker.region.name,
            "registered_at": worker.created_at,
        },
        "visits_this_month": Visit.objects.filter(
            worker=worker, at__gte=queries.month_start()
        ).count(),
        "visits": [visit_out(v, v.station.name) for v in recent],
        "benefits": [
            {"campaign": d.campaign.name, "benefit": d.campaign.benefit,
             "station_name": d.station.name, "given_at": d.given_at}
            for d in benefits
        ],
        "insurance": [
            {"batch": e.batch.name, "insurer": e.batch.insurer,
             "policy_number": e.batch.policy_number, "starts_on": e.batch.starts_on,
             "ends_on": e.batch.ends_on, "active": queries.covered(e.batch, today)}
            for e in enrolments
        ],
    }  # fmt: skip


@router.post(
    "/checkin",
    response={201: VisitOut, **ERRORS},
    summary="扫码签到（本人）",
    operation_id="stations_checkin",
)
@idempotent
def checkin(request: HttpRequest, payload: CheckinIn) -> Any:
    """本人在驿站签到：`token` 为海报二维码网址中的令牌（或整个网址），`services` 为本次使用的服务。
    令牌无效返回 404；30 分钟内在同一驿站重复签到返回 409（detail 中注明上次签到时间），驿站未开放
    返回 409；服务不是本驿站具备的返回 422。支持 Idempotency-Key：网络重试不会重复计数。"""
    user = request.auth
    worker = my_worker(user)
    station = qr.station_from_token(_token(payload.token))
    visit = visits.record_visit(
        station, worker=worker, actor=user, services=payload.services, source="qr"
    )
    return Status(201, visit_out(visit, station.name))
