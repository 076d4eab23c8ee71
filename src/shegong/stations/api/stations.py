"""/api/v1/stations/: the public nearest-station search and station detail (no login); the
worker's own /me and /checkin (login required) live in ``api/me.py``.

The two public operations are so by design (a rider looks for water and a seat): they show what a
station is, where, when it is open and what it offers — its own phone included — and nothing
about any person. The search is ``queries.nearest``, the one query function.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from shegong.core import geo
from shegong.core.schemas import problem_responses

from .. import queries
from .. import schedule as schedule_rules
from ..choices import StationKind, StationStatus
from ..models import Station
from ..schemas import NearestQuery, StationOut

router = Router()
ERRORS = problem_responses(400, 404, 422, 429)
KIND_LABELS = dict(StationKind.choices)
STATUS_LABELS = dict(StationStatus.choices)


def station_out(
    station: Station, *, distance: float | None = None, crs: str = "wgs84",
    at: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The public view of a station (shared by the API and the public pages)."""
    at = at or timezone.now()
    lat_crs, lon_crs = geo.from_wgs84(station.lat, station.lon, crs)
    sched = station.schedule or {}
    open_status = station.status == StationStatus.OPEN
    status_label = STATUS_LABELS.get(station.status, station.status)  # get_status_display()
    return {
        "id": station.pk,
        "name": station.name,
        "kind": station.kind,
        "kind_label": KIND_LABELS.get(station.kind, ""),
        "address": station.address,
        "lat": round(station.lat, 7),
        "lon": round(station.lon, 7),
        "crs": crs,
        "lat_crs": round(lat_crs, 7),
        "lon_crs": round(lon_crs, 7),
        "distance_m": None if distance is None else round(distance, 1),
        "facilities": [{"code": f.code, "name": f.name} for f in station.facilities.all()],
        "open_now": open_status and schedule_rules.is_open(sched, at),
        "today": queries.today_hours(station, at) if open_status else status_label,
        "schedule": [{"day": d, "hours": h} for d, h in schedule_rules.describe(sched)],
        "seats": station.seats,
        "phone": station.contact_phone,
        "status": station.status,
        "status_label": status_label,
    }


@router.get(
    "/nearest",
    response={200: list[StationOut], **ERRORS},
    summary="附近的驿站（公开，无需登录）",
    operation_id="stations_nearest",
    auth=None,
)
def nearest(request: HttpRequest, q: Query[NearestQuery]) -> Any:
    """离查询点最近的开放驿站，由近到远，带距离（米）。`facility` 可重复或用逗号分隔，须全部具备；
    `open_now=true` 只看现在开放的（按开放时间和闭站日，北京时间）。经纬度填反、不在中国境内、
    坐标系或设施编码不认识时返回 422，并指明字段。"""
    now = timezone.now()
    found = queries.nearest(
        q.lat, q.lon, crs=q.crs, radius=q.radius, facilities=q.facility,
        open_now=q.open_now, limit=q.limit, at=now,
    )  # fmt: skip
    crs = q.crs
    return [station_out(s, distance=d, crs=crs, at=now) for s, d in found]


@router.get(
    "/{int:station_id}",  # an integer only: /me and /checkin (api/me.py) are not station ids
    response={200: StationOut, **ERRORS},
    summary="驿站详情（公开，无需登录）",
    operation_id="stations_detail",
    auth=None,
)
def detail(request: HttpRequest, station_id: int, crs: str = "wgs84") -> Any:
    """一个驿站的公开信息：名称、类型、地址、位置、设施、开放时间、座位、联系电话、状态。"""
    if crs not in geo.CRS_CHOICES:
        from shegong.core.errors import InvalidInput

        raise InvalidInput.field("crs", "坐标系应为 wgs84、gcj02 或 bd09 之一")
    return station_out(queries.public_station(station_id), crs=crs)
