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
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm

from ..choices import StationStatus
from ..models import Station, Visit, VisitTally, Worker

__all__ = ["AlreadyCheckedIn", "record_visit", "tally_visits"]

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
    actor: User | None,
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
    station: Station, *, actor: User | None, on: date, count: int, note: str = ""
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
