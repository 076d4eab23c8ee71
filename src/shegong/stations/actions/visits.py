"""Visits to a station: a worker's check-in (scanned from the poster, or entered by staff) and
the anonymous counts staff keep for people who did not scan (服务人次 = both).

A worker counts once per station per 30 minutes: ``record_visit`` locks the worker's row, so two
scans racing each other are serialised, and a second scan inside the window is
``AlreadyCheckedIn`` (the page shows it as a friendly notice). Only open stations take visits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region

from ..choices import StationStatus
from ..models import Facility, Station, Visit, VisitTally, Worker

__all__ = [
    "AlreadyCheckedIn", "month_start", "recent_at_station", "record_visit", "statistics",
    "tally_visits",
]  # fmt: skip

WINDOW = timedelta(minutes=30)
STAFF_BACKDATE = timedelta(days=7)  # how far back staff may enter a visit they served
SOURCES = ("qr", "staff")
MAX_TALLY = 10_000
STATION_NOT_FOUND = "未找到该驿站，或您无权查看"


class AlreadyCheckedIn(DomainError):
    """The worker checked in at this station less than 30 minutes ago (not counted again)."""

    title = "已签到"

    def __init__(self, previous: Visit):
        local = timezone.localtime(previous.at)
        super().__init__(f"已签到（{local:%H:%M}），30分钟内不重复计数")
        self.previous = previous


def _services(station: Station, services: Iterable[Any]) -> list[str]:
    """The chosen facility codes, each one the station offers; an unknown one is InvalidInput."""
    offered = set(station.facilities.filter(is_active=True).values_list("code", flat=True))
    chosen: list[str] = []
    for raw in services or ():
        code = str(getattr(raw, "code", raw)).strip()
        if code and code not in chosen:
            chosen.append(code)
    unknown = [c for c in chosen if c not in offered]
    if unknown:
        raise InvalidInput.field("services", f"本驿站没有这些服务：{'、'.join(unknown)}")
    return chosen


def _check_staff_time(at: Any) -> None:
    """A visit staff enter afterwards: not in the future, at most ``STAFF_BACKDATE`` ago."""
    if not isinstance(at, datetime):
        raise InvalidInput.field("at", "请填写服务时间")
    now = timezone.now()
    if at > now:
        raise InvalidInput.field("at", "服务时间不能晚于现在")
    if at < now - STAFF_BACKDATE:
        raise InvalidInput.field("at", f"只能补登 {STAFF_BACKDATE.days} 天内的服务")


@transaction.atomic(durable=True)
def record_visit(
    station: Station,
    *,
    worker: Worker,
    actor: Any,
    services: Iterable[Any] = (),
    source: str = "qr",
    at: datetime | None = None,
) -> Visit:
    """Count ``worker`` at ``station`` (once per 30 minutes). ``actor`` is who recorded it: the
    worker scanning, a staff member entering it (``source="staff"``, needs stations.manage and
    the station in scope; ``at`` not in the future nor older than 7 days), or None for the
    system."""
    Worker.objects.require_live(worker)  # a withdrawn (anonymised) profile checks in nowhere
    if source not in SOURCES:
        raise InvalidInput.field("source", "来源应为 qr 或 staff")
    if source == "staff" and actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
        if not Station.objects.visible_to(actor).filter(pk=station.pk).exists():
            raise NotFound(STATION_NOT_FOUND)
    at = at or timezone.now()
    if source == "staff":
        _check_staff_time(at)
    station = Station.objects.get(pk=station.pk)
    if station.status != StationStatus.OPEN:
        raise DomainError(f"驿站当前{station.get_status_display()}，暂不能签到")
    chosen = _services(station, services)
    Worker.objects.select_for_update().get(pk=worker.pk)  # serialise this worker's scans
    previous = (
        Visit.objects.filter(worker=worker, station=station, at__gt=at - WINDOW, at__lte=at)
        .order_by("-at")
        .first()
    )
    if previous is not None:
        raise AlreadyCheckedIn(previous)
    visit = Visit.objects.create(
        station=station, worker=worker, at=at, services=chosen, source=source,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.VISIT_RECORDED_AT_STATION,
        actor=actor,
        target=station,
        data={"visit": visit.pk, "worker": worker.pk, "source": source, "services": chosen},
    )
    return visit


@transaction.atomic(durable=True)
def tally_visits(
    station: Station, *, actor: Any, on: date, count: int, note: str = ""
) -> VisitTally:
    """Record ``count`` anonymous visits on day ``on`` (not in the future)."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
        if not Station.objects.visible_to(actor).filter(pk=station.pk).exists():
            raise NotFound(STATION_NOT_FOUND)
    errors: list[dict[str, str]] = []
    if not isinstance(on, date):
        errors.append({"field": "on", "message": "请填写日期"})
    elif on > timezone.localdate():
        errors.append({"field": "on", "message": "日期不能晚于今天"})
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_TALLY:
        errors.append({"field": "count", "message": f"人次应为 1 到 {MAX_TALLY:,} 之间的整数"})
    note = str(note or "").strip()
    if len(note) > 200:
        errors.append({"field": "note", "message": "说明不能超过200字"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    tally = VisitTally.objects.create(
        station=station, on=on, count=count, note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.VISITS_TALLIED,
        actor=actor,
        target=station,
        data={"tally": tally.pk, "on": on.isoformat(), "count": count},
    )
    return tally


# --- the read side: a station's and a worker's visits ----------------------------------------

SOURCE_LABELS = {"qr": "扫码", "staff": "工作人员登记"}
WITHDRAWN_NAME = "（已注销）"  # a withdrawn profile's visits still count, with nobody named


def recent_at_station(station: Station, limit: int = 10) -> list[dict[str, Any]]:
    """The station's last ``limit`` visits for its page: when, who (the name masked), which
    services, how recorded. Two queries (the visits, the facility names), no models built."""
    rows = list(
        Visit.objects.filter(station=station)
        .order_by("-at", "-id")
        .values_list("pk", "at", "services", "source", "worker__person__name")[:limit]
    )
    codes = {code for row in rows for code in (row[2] or [])}
    names = dict(Facility.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "pk": pk,
            "at": at,
            "name": mask_name(name) if name else WITHDRAWN_NAME,
            "source": source,
            "source_label": SOURCE_LABELS.get(source, source),
            "services": [names.get(code, code) for code in services or []],
        }
        for pk, at, services, source, name in rows
    ]


def month_start(at: datetime | None = None) -> datetime:
    """The start of the calendar month (Asia/Shanghai) of ``at`` (default now)."""
    local = timezone.localtime(at or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# --- the read side: 服务人次 ------------------------------------------------------------------


def street_code(region_code: str) -> str:
    """The street (街道/乡镇) a region code lies in (the code itself above street level)."""
    length = PREFIX_LENGTH[Level.STREET]
    if len(region_code) <= length:
        return region_code
    return region_code[:length].ljust(12, "0")


def statistics(stations: QuerySet, year: int) -> dict[str, Any]:
    """服务人次 (visits + tallied counts) of ``stations`` in calendar ``year`` (Asia/Shanghai):
    by station, by street and by month, and the totals. Four aggregate queries plus the
    station and street names, whatever the number of visits."""
    tz = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    visits = Visit.objects.filter(station__in=stations, at__gte=start, at__lt=end).order_by()
    tallies = VisitTally.objects.filter(
        station__in=stations, on__gte=date(year, 1, 1), on__lt=date(year + 1, 1, 1)
    ).order_by()
    by_station: dict[int, dict[str, int]] = {}
    for row in visits.values("station_id").annotate(n=Count("id")):
        by_station.setdefault(row["station_id"], {"scans": 0, "tallied": 0})["scans"] = row["n"]
    for row in tallies.values("station_id").annotate(n=Sum("count")):
        by_station.setdefault(row["station_id"], {"scans": 0, "tallied": 0})["tallied"] = row["n"]
    months = {m: {"scans": 0, "tallied": 0} for m in range(1, 13)}
    for row in visits.annotate(m=ExtractMonth("at", tzinfo=tz)).values("m").annotate(n=Count("id")):
        months[row["m"]]["scans"] = row["n"]
    for row in tallies.annotate(m=ExtractMonth("on")).values("m").annotate(n=Sum("count")):
        months[row["m"]]["tallied"] = row["n"]
    named = (
        stations.filter(pk__in=list(by_station)).order_by().values_list("pk", "name", "region_id")
    )
    station_rows = []
    for pk, name, region_id in named:
        counts = by_station[pk]
        station_rows.append({
            "pk": pk, "name": name, "street": street_code(region_id), **counts,
            "total": counts["scans"] + counts["tallied"],
        })  # fmt: skip
    station_rows.sort(key=lambda r: (-r["total"], r["name"]))
    streets: dict[str, dict[str, Any]] = {}
    for row in station_rows:
        entry = streets.setdefault(
            row["street"], {"code": row["street"], "stations": 0, "scans": 0, "tallied": 0}
        )
        entry["stations"] += 1
        entry["scans"] += row["scans"]
        entry["tallied"] += row["tallied"]
    names = dict(Region.objects.filter(code__in=list(streets)).values_list("code", "name"))
    for row in station_rows:
        row["street_name"] = names.get(row["street"], row["street"])
    street_rows = [
        {**s, "name": names.get(code, code), "total": s["scans"] + s["tallied"]}
        for code, s in streets.items()
    ]
    street_rows.sort(key=lambda r: (-r["total"], r["code"]))
    month_rows = [
        {"month": m, "label": f"{m}月", **c, "total": c["scans"] + c["tallied"]}
        for m, c in months.items()
    ]
    scans = sum(r["scans"] for r in month_rows)
    tallied = sum(r["tallied"] for r in month_rows)
    return {
        "year": year,
        "stations": station_rows,
        "streets": street_rows,
        "months": month_rows,
        "totals": {"scans": scans, "tallied": tallied, "total": scans + tallied},
    }
