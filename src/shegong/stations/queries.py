"""The read side of the station network: the nearest open stations, and a station in scope.

``nearest`` is the one query function behind the API, the H5 page and the public map. It reads
an indexed bounding box on ``(lat, lon)`` first (only pk and coordinates, plain SQL), ranks the
candidates by exact haversine distance in Python, and loads the full rows of the winners only,
with their facilities: the number of SQL queries does not depend on how many stations match.
The box starts at 1 km and grows (by the density it saw, at least doubling; never beyond
``radius``, 50 km without one) until ``limit`` stations lie inside the circle the box encloses:
a dense city centre reads a few dozen rows and a sparse county still finds its stations.
"""

from __future__ import annotations

import functools
import json
import math
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Prefetch

from shegong.core import geo
from shegong.core.errors import InvalidInput, NotFound

from . import schedule as schedule_rules
from .choices import StationStatus
from .models import Facility, Station

RADIUS_MIN_M, RADIUS_MAX_M, RADIUS_DEFAULT_M = 1, 50_000, 5_000
LIMIT_MAX, LIMIT_DEFAULT = 50, 10
FIRST_BOX_M = 1_000
_M_PER_DEG_LAT = math.pi * geo.EARTH_RADIUS_M / 180.0


def _split(raw: Iterable[str] | str | None) -> list[str]:
    items = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
    codes: list[str] = []
    for item in items:
        for code in str(item).split(","):
            code = code.strip()
            if code and code not in codes:
                codes.append(code)
    return codes


def facility_pks(raw: Iterable[str] | str | None) -> list[int]:
    """``facility=water&facility=toilet`` or ``facility=water,toilet`` → the ids of those
    active facilities; an unknown code is InvalidInput naming it (field ``facility``)."""
    codes = _split(raw)
    if not codes:
        return []
    known = dict(Facility.objects.filter(code__in=codes, is_active=True).values_list("code", "pk"))
    unknown = [c for c in codes if c not in known]
    if unknown:
        message = f"没有这些服务设施：{'、'.join(unknown)}"
        raise InvalidInput(message, errors=[{"field": "facility", "message": message}])
    return [known[c] for c in codes]


def _check_range(field: str, value: int, low: int, high: int, label: str) -> None:
    if not low <= value <= high:
        raise InvalidInput.field(field, f"{label}应在 {low:,} 到 {high:,} 之间")


def _box(lat: float, lon: float, r: float) -> tuple[float, float, float, float]:
    """(lat min, lat max, lon min, lon max) enclosing the circle of ``r`` metres around the
    point."""
    dlat = r / _M_PER_DEG_LAT
    dlon = r / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _next_radius(r: float, found: int, limit: int, cap: float) -> float:
    """The next box: big enough for ``limit`` at the density seen in the last one (with a
    margin), at least twice as big, at most ``cap``."""
    wanted = r * math.sqrt(limit / max(found, 0.5)) * 1.25
    return min(cap, max(2 * r, wanted))


# The hot path is plain SQL: composing and compiling an ORM query costs more (~1 ms) than the
# indexed box read itself (tens of µs). The SQL is portable (SQLite, PostgreSQL): a range on the
# composite (lat, lon) index, and one EXISTS per required facility on the through table's
# unique (station_id, facility_id) index.
def _box_sql(facility_count: int, with_schedule: bool) -> str:
    station = Station._meta.db_table
    through = Station.facilities.through._meta.db_table
    columns = "s.id, s.lat, s.lon" + (", s.schedule" if with_schedule else "")
    # Table names come from _meta, values are parameters: no injection.
    exists = "".join(
        f" AND EXISTS (SELECT 1 FROM {through} t"  # noqa: S608
        " WHERE t.station_id = s.id AND t.facility_id = %s)"
        for _ in range(facility_count)
    )
    return (
        f"SELECT {columns} FROM {station} s WHERE s.lat BETWEEN %s AND %s"  # noqa: S608
        f" AND s.lon BETWEEN %s AND %s AND s.status = %s{exists}"
    )


def _facilities_sql(count: int) -> str:
    through = Station.facilities.through._meta.db_table
    facility = Facility._meta.db_table
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT t.station_id, f.id, f.code, f.name, f.{connection.ops.quote_name('order')}"  # noqa: S608
        f" FROM {through} t"
        f" JOIN {facility} f ON f.id = t.facility_id"
        f" WHERE t.station_id IN ({marks}) AND f.is_active"
    )


def _schedule(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # SQLite hands JSON back as text
        return json.loads(value or "{}")
    return value or {}


# A full station row read with a plain cursor: the columns of every concrete field in model
# order (``Station.from_db`` takes them positionally) and, for the columns that need them, the
# converters Django's compiler would apply (JSON text, SQLite datetimes). ``Station.objects.raw``
# works all this out again on every call, which cost more than the query itself; it is worked
# out here once per connection (the backend's converters are bound to it).
_ROW_PLANS: weakref.WeakKeyDictionary[Any, tuple[str, list[str], list[tuple]]] = (
    weakref.WeakKeyDictionary()
)


def _row_plan(db: Any) -> tuple[str, list[str], list[tuple]]:
    ops = db.ops
    plan = _ROW_PLANS.get(ops)
    if plan is None:
        table = Station._meta.db_table
        fields = Station._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            found = ops.get_db_converters(column) + column.get_db_converters(db)
            if found:
                converters.append((index, found, column))
        names = ", ".join(ops.quote_name(f.column) for f in fields)
        sql = f"SELECT {names} FROM {table} WHERE id IN "  # noqa: S608 - names from _meta
        plan = _ROW_PLANS[ops] = (sql, [f.attname for f in fields], converters)
    return plan


@functools.cache
def _no_facilities() -> Any:
    """``Facility.objects.none()``, made once: its query is never run, only cloned."""
    return Facility.objects.none()


def _load(cursor: Any, pks: list[int]) -> dict[int, Station]:
    """The full rows of ``pks`` with their active facilities, in two plain queries. Each
    station's ``facilities.all()`` is answered from what was read, as ``prefetch_related``
    would leave it; the stations share one instance per facility."""
    db = cursor.db  # the connection itself, not the thread-local proxy
    sql, names, converters = _row_plan(db)
    marks = ", ".join(["%s"] * len(pks))
    cursor.execute(f"{sql}({marks})", pks)
    alias = db.alias
    stations: dict[int, Station] = {}
    for row in cursor.fetchall():
        values = list(row)
        for index, functions, column in converters:
            value = values[index]
            for convert in functions:
                value = convert(value, column, db)
            values[index] = value
        station = Station.from_db(alias, names, values)
        stations[station.pk] = station
    attached: dict[int, list[Facility]] = {pk: [] for pk in stations}
    shared: dict[int, Facility] = {}
    cursor.execute(_facilities_sql(len(pks)), pks)
    for station_id, pk, code, name, order in cursor.fetchall():
        facility = shared.get(pk)
        if facility is None:
            facility = shared[pk] = Facility(pk=pk, code=code, name=name, order=order)
        attached[station_id].append(facility)
    # What prefetch_related leaves behind: a queryset holding the rows. They share one empty
    # query (a chained call clones it first), so building them compiles nothing.
    empty = _no_facilities()
    queryset_class, query = type(empty), empty.query
    for pk, station in stations.items():
        cached = queryset_class(model=Facility, query=query)
        cached._result_cache = sorted(attached[pk], key=lambda f: (f.order, f.code))
        cached._prefetch_done = True
        station._prefetched_objects_cache = {"facilities": cached}
    return stations


def nearest(
    lat: Any, lon: Any, *, crs: str = "wgs84", radius: float | None = None,
    facilities: Iterable[str] | str | None = (), open_now: bool = False,
    limit: int = LIMIT_DEFAULT, at: datetime | None = None,
) -> list[tuple[Station, float]]:  # fmt: skip
    """The open stations nearest to the point, nearest first, with their distance in metres.

    ``radius`` (metres, 1–50,000) cuts off; without it the search grows to 50 km. ``facilities``
    keeps stations that have all of them; ``open_now`` keeps those open at ``at`` (default now,
    Asia/Shanghai) by their schedule and closures. Bad input is InvalidInput (422, per field)."""
    lat_w, lon_w = geo.check_point(lat, lon, crs)
    if radius is not None:
        _check_range("radius", radius, RADIUS_MIN_M, RADIUS_MAX_M, "搜索半径（米）")
    _check_range("limit", limit, 1, LIMIT_MAX, "返回数量")
    facility_ids = facility_pks(facilities)
    with connection.cursor() as cursor:  # one cursor for the search and the winners' rows
        ranked = _rank(
            cursor, lat_w, lon_w, radius=float(radius if radius is not None else RADIUS_MAX_M),
            facility_ids=facility_ids, open_now=open_now, limit=limit, at=at,
        )  # fmt: skip
        if not ranked:
            return []
        by_pk = _load(cursor, [pk for _, pk in ranked])
    return [(by_pk[pk], distance) for distance, pk in ranked if pk in by_pk]


def rank(
    lat: float, lon: float, *, radius: float, facility_ids: Sequence[int] = (),
    open_now: bool = False, limit: int = LIMIT_DEFAULT, at: datetime | None = None,
) -> list[tuple[float, int]]:  # fmt: skip
    """The search itself on checked WGS-84 input: (distance in metres, station pk), nearest
    first, at most ``limit`` (``nearest`` then loads those rows)."""
    with connection.cursor() as cursor:
        return _rank(cursor, lat, lon, radius=radius, facility_ids=facility_ids,
                     open_now=open_now, limit=limit, at=at)  # fmt: skip


def _rank(
    cursor: Any, lat: float, lon: float, *, radius: float, facility_ids: Sequence[int],
    open_now: bool, limit: int, at: datetime | None,
) -> list[tuple[float, int]]:  # fmt: skip
    sql = _box_sql(len(facility_ids), open_now)
    haversine = geo.haversine_m
    ranked: list[tuple[float, int]] = []
    r = min(FIRST_BOX_M, radius)
    while True:
        ranked = []
        cursor.execute(sql, [*_box(lat, lon, r), StationStatus.OPEN, *facility_ids])
        for row in cursor.fetchall():
            distance = haversine(lat, lon, row[1], row[2])
            if distance <= r and (not open_now or schedule_rules.is_open(_schedule(row[3]), at)):
                ranked.append((distance, row[0]))
        if len(ranked) >= limit or r >= radius:
            break
        r = _next_radius(r, len(ranked), limit, radius)
    ranked.sort()
    return ranked[:limit]


def public_station(pk: int) -> Station:
    """A station the public may see (any status but never a missing one): 404 otherwise."""
    found = (
        Station.objects.filter(pk=pk)
        .prefetch_related(Prefetch("facilities", queryset=Facility.objects.filter(is_active=True)))
        .first()
    )
    if found is None:
        raise NotFound("未找到该驿站")
    return found


def access_station(user: Any, pk: int) -> Station:
    """A station in the user's scope, for staff pages: missing and out of scope are one 404."""
    found = (
        Station.objects.visible_to(user)
        .select_related("region", "operator")
        .prefetch_related("facilities")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("未找到该驿站，或您无权查看")
    return found


def today_hours(station: Station, at: datetime | None = None) -> str:
    """Today's opening hours in words (Asia/Shanghai): "08:00–20:00", "24小时开放",
    "今日闭站（国庆）"."""
    from django.utils import timezone

    local = timezone.localtime(at or timezone.now())
    sched = station.schedule or {}
    closure = schedule_rules.closure_on(sched, local.date())
    if closure is not None:
        reason = closure.get("reason")
        return f"今日闭站（{reason}）" if reason else "今日闭站"
    if sched.get("always_open"):
        return "24小时开放"
    periods = (sched.get("week") or {}).get(str(local.isoweekday())) or []
    return "、".join(f"{s}–{e}" for s, e in periods) or "今日不开放"
