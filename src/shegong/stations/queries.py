"""The read side of the stations app: every ``access_<noun>`` lookup of the staff pages, the
nearest open stations, what a user may see of care campaigns and insurance batches, a station's
recent visits and the 服务人次 statistics.

``nearest`` is the one query function behind the API, the H5 page and the public map. On
PostgreSQL it is one SQL statement (one round trip): indexed bounding boxes on ``(lat, lon)``
of 1 km, 2 km, 4 km… up to ``radius`` (50 km without one), the first whose circle holds
``limit`` stations ranked by haversine distance in the database, and the winners' full rows
with their facilities. On SQLite (in process: a read costs less than that statement) and for
``open_now`` (decided in Python from each schedule) the box grows in Python by the density it
saw, one read per step, and the winners' rows follow in one more. Either way the number of
queries does not depend on how many stations match, and a dense city centre reads a few dozen
rows while a sparse county still finds its stations.

An ``access_<noun>(user, pk)`` finds one row among those the user may see: missing and out of
scope are the same NotFound (404). The permission itself is checked by the caller.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import weakref
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from shegong.core import geo
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.pii import blind_index, mask_name, normalize_id_number, validate_id_number
from shegong.core.scope import in_subtree, scope_prefix
from shegong.ledger.models import Person
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region, ancestor_codes

from . import schedule as schedule_rules
from .choices import StationStatus
from .models import (
    CampaignStock,
    CareCampaign,
    Distribution,
    Enrollment,
    Facility,
    Inspection,
    InsuranceBatch,
    RoleModel,
    Station,
    VanguardPost,
    Visit,
    VisitTally,
    Worker,
)

RADIUS_MIN_M, RADIUS_MAX_M, RADIUS_DEFAULT_M = 1, 50_000, 5_000
LIMIT_MAX, LIMIT_DEFAULT = 50, 10
FIRST_BOX_M = 1_000
_M_PER_DEG_LAT = math.pi * geo.EARTH_RADIUS_M / 180.0
STATION_NOT_FOUND = "未找到该驿站，或您无权查看"
INSPECTION_NOT_FOUND = "未找到该检查记录，或您无权查看"
CAMPAIGN_NOT_FOUND = "未找到该关爱活动，或您无权查看"
BATCH_NOT_FOUND = "未找到该保险批次，或您无权查看"
WORKER_NOT_FOUND = "未找到该人员，或您无权查看"
POST_NOT_FOUND = "未找到该先锋岗/责任区，或您无权查看"
MODEL_NOT_FOUND = "未找到该先进典型，或您无权查看"


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
# indexed box read itself (tens of µs), and on PostgreSQL each round trip costs more than the
# reads it carries. The SQL is portable (SQLite 3.35+ has the math functions, PostgreSQL): ranges
# on the composite (lat, lon) index, one EXISTS per required facility on the through table's
# unique (station_id, facility_id) index, the haversine distance computed by the database.
_HAVERSINE = (
    f"2 * {geo.EARTH_RADIUS_M!r} * asin(sqrt(power(sin((radians(s.lat) - pt.p) / 2), 2)"
    " + pt.cp * cos(radians(s.lat)) * power(sin(radians(s.lon - pt.lon) / 2), 2)))"
)
_FLOAT = "CAST(%s AS double precision)"  # a float8 on PostgreSQL (not numeric: the index holds)
# A literal, not a parameter: the status searched is a constant of the code.
_OPEN = StationStatus.OPEN.value


def _exists(facility_count: int) -> str:
    through = Station.facilities.through._meta.db_table
    return "".join(
        f" AND EXISTS (SELECT 1 FROM {through} t"  # noqa: S608 - table names from _meta
        " WHERE t.station_id = s.id AND t.facility_id = %s)"
        for _ in range(facility_count)
    )


def _box_sql(facility_count: int) -> str:
    """One box read of the open-now search: pk, coordinates and schedule of the candidates."""
    station = Station._meta.db_table
    return (
        f"SELECT s.id, s.lat, s.lon, s.schedule FROM {station} s"  # noqa: S608
        f" WHERE s.lat BETWEEN %s AND %s AND s.lon BETWEEN %s AND %s AND s.status = '{_OPEN}'"
        f"{_exists(facility_count)}"
    )


@functools.cache
def _search_sql(vendor: str, facility_count: int, steps: int, with_rows: bool) -> str:
    """The whole search in one statement (one round trip): ``ladder`` holds the boxes (1 km,
    then doubling up to the radius); ``chosen`` is the first whose circle holds ``limit``
    stations (the last one otherwise: any such box holds the true nearest ``limit``, so the
    order in which the database tries them changes the cost, never the answer); ``winners``
    ranks that box's stations by distance. CROSS JOIN keeps SQLite's join order (the box
    outside, the index range inside).
    With rows, each winner's full row and its active facilities (a JSON array) follow its
    distance."""
    station = Station._meta.db_table
    boxes = ", ".join(f"(%s, {_FLOAT}, {_FLOAT}, {_FLOAT}, {_FLOAT}, {_FLOAT})"
                      for _ in range(steps))  # fmt: skip
    inside = (
        "s.lat BETWEEN b.lat0 AND b.lat1 AND s.lon BETWEEN b.lon0 AND b.lon1"
        f" AND s.status = '{_OPEN}'{_exists(facility_count)} AND {_HAVERSINE} <= b.r"
    )
    sql = (
        f"WITH pt(lat, lon, p, cp) AS (SELECT {_FLOAT}, {_FLOAT}, {_FLOAT}, {_FLOAT}),"  # noqa: S608
        f" ladder(n, r, lat0, lat1, lon0, lon1) AS (VALUES {boxes}),"
        " chosen AS (SELECT b.r, b.lat0, b.lat1, b.lon0, b.lon1 FROM ladder b"
        f" WHERE b.n = {steps - 1} OR EXISTS (SELECT 1 FROM pt CROSS JOIN {station} s"
        f" WHERE {inside}"
        " LIMIT 1 OFFSET %s) LIMIT 1),"
        f" winners AS (SELECT s.id, {_HAVERSINE} AS d FROM chosen b CROSS JOIN pt"
        f" CROSS JOIN {station} s"
        f" WHERE {inside} ORDER BY d, s.id LIMIT %s)"
    )  # names from _meta and counts; every value is a parameter
    if not with_rows:
        return f"{sql} SELECT w.d, w.id FROM winners w ORDER BY w.d, w.id"  # noqa: S608
    return (
        f"{sql} SELECT {_row_columns()}, w.d, {_facilities_json(vendor)}"  # noqa: S608
        f" FROM winners w JOIN {station} s ON s.id = w.id ORDER BY w.d, w.id"
    )


def _ladder(radius: float) -> list[float]:
    """The boxes' radii: 1 km (or the radius), doubling, the last one the radius itself."""
    radii = [min(FIRST_BOX_M, radius)]
    while radii[-1] < radius:
        radii.append(min(2 * radii[-1], radius))
    return radii


def _search_params(
    lat: float, lon: float, radius: float, facility_ids: Sequence[int], limit: int
) -> tuple[int, list[Any]]:
    radii = _ladder(radius)
    p = math.radians(lat)
    params: list[Any] = [lat, lon, p, math.cos(p)]
    for n, r in enumerate(radii):
        params += [n, r, *_box(lat, lon, r)]
    params += [*facility_ids, limit - 1, *facility_ids, limit]
    return len(radii), params


def _row_columns() -> str:
    names = (f"s.{connection.ops.quote_name(f.column)}" for f in Station._meta.concrete_fields)
    return ", ".join(names)


def _facilities_json(vendor: str) -> str:
    """A station's active facilities as a JSON array of [id, code, name, order] (NULL or [] for
    none)."""
    through = Station.facilities.through._meta.db_table
    facility = Facility._meta.db_table
    columns = f"f.id, f.code, f.name, f.{connection.ops.quote_name('order')}"
    aggregate = (
        f"json_agg(json_build_array({columns}))"
        if vendor == "postgresql"
        else f"json_group_array(json_array({columns}))"
    )
    return (
        f"(SELECT {aggregate} FROM {through} t JOIN {facility} f"  # noqa: S608 - from _meta
        " ON f.id = t.facility_id WHERE t.station_id = s.id AND f.is_active)"
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
_ROW_PLANS: weakref.WeakKeyDictionary[Any, tuple[list[str], list[tuple]]] = (
    weakref.WeakKeyDictionary()
)


def _row_plan(db: Any) -> tuple[list[str], list[tuple]]:
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
        plan = _ROW_PLANS[ops] = ([f.attname for f in fields], converters)
    return plan


@functools.cache
def _no_facilities() -> Any:
    """``Facility.objects.none()``, made once: its query is never run, only cloned."""
    return Facility.objects.none()


def _stations(db: Any, rows: Iterable[Sequence[Any]]) -> dict[int, Station]:
    """Stations from rows of the full columns followed by the facilities' JSON array. Each
    station's ``facilities.all()`` is answered from what was read, as ``prefetch_related``
    would leave it; the stations share one instance per facility."""
    names, converters = _row_plan(db)
    width, alias = len(names), db.alias
    stations: dict[int, Station] = {}
    shared: dict[int, Facility] = {}
    # What prefetch_related leaves behind: a queryset holding the rows. They share one empty
    # query (a chained call clones it first), so building them compiles nothing.
    empty = _no_facilities()
    queryset_class, query = type(empty), empty.query
    for row in rows:
        values = list(row[:width])
        for index, functions, column in converters:
            value = values[index]
            for convert in functions:
                value = convert(value, column, db)
            values[index] = value
        station = Station.from_db(alias, names, values)
        raw = row[-1]
        attached = []
        for pk, code, name, order in (json.loads(raw) if isinstance(raw, str) else raw) or ():
            facility = shared.get(pk)
            if facility is None:
                facility = shared[pk] = Facility(pk=pk, code=code, name=name, order=order)
            attached.append(facility)
        cached = queryset_class(model=Facility, query=query)
        cached._result_cache = sorted(attached, key=lambda f: (f.order, f.code))
        cached._prefetch_done = True
        station._prefetched_objects_cache = {"facilities": cached}
        stations[station.pk] = station
    return stations


@contextlib.contextmanager
def _search_cursor() -> Iterator[Any]:
    """The cursor of the one-statement search. On PostgreSQL it binds parameters on the server
    (Django's cursors send them inlined), so that psycopg prepares the statement once it has
    run a few times on a connection (``prepare_threshold``): planning this statement costs more
    than running it. Elsewhere the ordinary cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    logged = connection.queries_logged  # CaptureQueriesContext still counts it
    with connection.make_debug_cursor(raw) if logged else connection.make_cursor(raw) as cursor:
        yield cursor


def _load(cursor: Any, pks: list[int]) -> dict[int, Station]:
    """The full rows of ``pks`` with their active facilities, in one plain query."""
    db = cursor.db  # the connection itself, not the thread-local proxy
    station = Station._meta.db_table
    marks = ", ".join(["%s"] * len(pks))
    cursor.execute(
        f"SELECT {_row_columns()}, {_facilities_json(db.vendor)} FROM {station} s"  # noqa: S608
        f" WHERE s.id IN ({marks})",
        pks,
    )
    return _stations(db, cursor.fetchall())


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
    cap = float(radius if radius is not None else RADIUS_MAX_M)
    if not open_now and connection.vendor == "postgresql":  # one round trip: search and rows
        steps, params = _search_params(lat_w, lon_w, cap, facility_ids, limit)
        with _search_cursor() as cursor:
            db = cursor.db
            cursor.execute(_search_sql(db.vendor, len(facility_ids), steps, True), params)
            rows = cursor.fetchall()
        by_pk = _stations(db, rows)
        return [(by_pk[row[0]], row[-2]) for row in rows]
    with connection.cursor() as cursor:
        ranked = _rank_open(cursor, lat_w, lon_w, radius=cap, facility_ids=facility_ids,
                            limit=limit, at=at, open_now=open_now)  # fmt: skip
        if not ranked:
            return []
        by_pk = _load(cursor, [pk for _, pk in ranked])
    return [(by_pk[pk], distance) for distance, pk in ranked if pk in by_pk]


def rank(
    lat: float, lon: float, *, radius: float, facility_ids: Sequence[int] = (),
    open_now: bool = False, limit: int = LIMIT_DEFAULT, at: datetime | None = None,
) -> list[tuple[float, int]]:  # fmt: skip
    """The search itself on checked WGS-84 input: (distance in metres, station pk), nearest
    first, at most ``limit`` (``nearest`` reads the same and the winners' rows)."""
    if open_now or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            return _rank_open(cursor, lat, lon, radius=radius, facility_ids=facility_ids,
                              limit=limit, at=at, open_now=open_now)  # fmt: skip
    steps, params = _search_params(lat, lon, radius, facility_ids, limit)
    with _search_cursor() as cursor:
        cursor.execute(_search_sql(cursor.db.vendor, len(facility_ids), steps, False), params)
        return [(d, pk) for d, pk in cursor.fetchall()]


def _rank_open(
    cursor: Any, lat: float, lon: float, *, radius: float, facility_ids: Sequence[int],
    limit: int, at: datetime | None, open_now: bool,
) -> list[tuple[float, int]]:  # fmt: skip
    """The search box by box (SQLite, in process, where a read costs less than the one
    statement's plan; and open-now, decided in Python from each schedule): the box grows, one
    read per step, until ``limit`` (open) stations lie in its circle."""
    sql = _box_sql(len(facility_ids))
    haversine = geo.haversine_m
    ranked: list[tuple[float, int]] = []
    r = min(FIRST_BOX_M, radius)
    while True:
        ranked = []
        cursor.execute(sql, [*_box(lat, lon, r), *facility_ids])
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


# --- the staff list ---------------------------------------------------------------------------

OLDEST = "oldest"  # the list's sort: the oldest unresolved defect first


def with_defects(qs: QuerySet) -> QuerySet:
    """Stations with ``has_defect`` (an inspection not yet 整改) and ``defect_since`` (the date
    of the oldest such inspection)."""
    unresolved = Inspection.objects.filter(station=OuterRef("pk"), resolved=False)
    return qs.annotate(
        has_defect=Exists(unresolved),
        defect_since=Subquery(unresolved.order_by("inspected_on", "pk").values("inspected_on")[:1]),
    )


def filter_stations(user: Any, criteria: dict[str, Any]) -> QuerySet:
    """驿站 (the staff list): the stations in scope filtered by ``criteria`` (the filter form's
    ``kind``, ``status``, ``region``, ``facility``, ``defect``, ``q``, ``sort``), by street and
    name, or — ``sort=oldest`` — the oldest unresolved defect first. The workbench's to-do
    counts this very query."""
    qs = with_defects(Station.objects.visible_to(user))
    if criteria.get("kind"):
        qs = qs.filter(kind=criteria["kind"])
    if criteria.get("status"):
        qs = qs.filter(status=criteria["status"])
    if criteria.get("region"):
        region = Region.objects.visible_to(user).filter(code=criteria["region"]).first()
        qs = in_subtree(qs, region.prefix) if region is not None else qs.none()
    if criteria.get("facility"):
        qs = qs.filter(facilities__code=criteria["facility"])
    if criteria.get("defect"):
        qs = qs.filter(has_defect=True)
    text = (criteria.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(name__icontains=text) | Q(address__icontains=text) | Q(contact_name__icontains=text)
        )
    if criteria.get("sort") == OLDEST:
        return qs.order_by(F("defect_since").asc(nulls_last=True), "region_id", "name", "pk")
    return qs.order_by("region_id", "name", "pk")


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
        raise NotFound(STATION_NOT_FOUND)
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


def access_inspection(user: Any, pk: int) -> Inspection:
    """An inspection of a station in the user's scope (with its station)."""
    inspection = (
        Inspection.objects.filter(station__in=Station.objects.visible_to(user), pk=pk)
        .select_related("station")
        .first()
    )
    if inspection is None:
        raise NotFound(INSPECTION_NOT_FOUND)
    return inspection


# --- workers --------------------------------------------------------------------------------


def access_worker(user: Any, pk: int) -> Worker:
    """A live worker in the user's scope (a withdrawn profile is the same 404 as a missing
    one)."""
    worker = (
        Worker.objects.visible_to(user)
        .live()
        .select_related("person", "platform", "region", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if worker is None:
        raise NotFound(WORKER_NOT_FOUND)
    return worker


def own_worker(user: Any) -> Worker | None:
    """The caller's own live profile (a withdrawn one has no person, so no account either)."""
    if not getattr(user, "pk", None):
        return None
    return (
        Worker.objects.live()
        .filter(person__user=user)
        .select_related("person", "platform", "region")
        .first()
    )


def worker_of(user: Any) -> Worker | None:
    """The caller's worker profile, if any (the H5 check-in and "my visits" pages)."""
    return Worker.objects.filter(person__user=user).first() if user.is_authenticated else None


# --- care: what a user may see --------------------------------------------------------------


def _around_scope(qs: QuerySet, user: Any) -> QuerySet:
    """Rows whose region lies inside the user's scope or contains it."""
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    membership = user.active_membership
    inside = in_subtree(qs, prefix)
    return (inside | qs.filter(region_id__in=ancestor_codes(membership.region_id))).distinct()


def campaigns_visible_to(user: Any) -> QuerySet:
    return _around_scope(CareCampaign.objects.all(), user)


def batches_visible_to(user: Any) -> QuerySet:
    return _around_scope(InsuranceBatch.objects.all(), user)


def find_worker(user: Any, text: str) -> Worker | None:
    """The live worker (in the user's scope; anyone for ``user=None``) with this ID number or
    phone; None if there is none or the text is neither. A withdrawn profile is never found."""
    text = str(text or "").strip()
    if not text:
        return None
    workers = Worker.objects.live()
    workers = workers if user is None else workers.visible_to(user)
    if len(text) == 11 and text.isdigit():
        return workers.filter(person__phone=text).select_related("person").first()
    try:
        number = validate_id_number(normalize_id_number(text))
    except Exception:
        return None
    person = Person.objects.filter(id_number_index=blind_index(number)).first()
    if person is None:
        return None
    return workers.filter(person=person).select_related("person").first()


def stock_rows(campaign: CareCampaign, stations: QuerySet) -> list[dict[str, Any]]:
    """配发/已发/剩余 per station (of ``stations``) holding stock of the campaign."""
    given = dict(
        Distribution.objects.filter(campaign=campaign, station__in=stations)
        .order_by()
        .values("station_id")
        .annotate(n=Count("id"))
        .values_list("station_id", "n")
    )
    rows = []
    for stock in (
        CampaignStock.objects.filter(campaign=campaign, station__in=stations)
        .select_related("station")
        .order_by("station__name")
    ):
        n = given.get(stock.station_id, 0)
        rows.append({
            "station": stock.station, "quantity": stock.quantity, "given": n,
            "left": max(stock.quantity - n, 0),
        })  # fmt: skip
    return rows


def covered(batch: InsuranceBatch, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return batch.starts_on <= on <= batch.ends_on


def access_campaign(user: Any, pk: int) -> CareCampaign:
    """A care campaign the user may see (with its region)."""
    found = campaigns_visible_to(user).select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    return found


def campaign_stations(user: Any, campaign: CareCampaign) -> QuerySet:
    """The stations the user may run this campaign at: in scope and in its region."""
    return in_subtree(Station.objects.visible_to(user), campaign.region.prefix)


def access_campaign_station(user: Any, campaign: CareCampaign, pk: int) -> Station:
    """One of ``campaign_stations(user, campaign)``."""
    found = campaign_stations(user, campaign).filter(pk=pk).first()
    if found is None:
        raise NotFound(STATION_NOT_FOUND)
    return found


def access_batch(user: Any, pk: int) -> InsuranceBatch:
    """An insurance batch the user may see (with its region)."""
    found = batches_visible_to(user).select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound(BATCH_NOT_FOUND)
    return found


def enrolments_visible_to(user: Any, batch: InsuranceBatch) -> Any:
    """The batch's enrolments whose worker the user may see (withdrawn profiles are anonymous:
    not listed, nor sent to the insurer)."""
    return (
        Enrollment.objects.filter(batch=batch, worker__in=Worker.objects.visible_to(user).live())
        .select_related("worker__person", "worker__platform", "worker__region")
        .order_by("-enrolled_at", "-pk")
    )


# --- 党员先锋岗/责任区 and 先进典型 ---------------------------------------------------------------


def access_post(user: Any, pk: int) -> VanguardPost:
    post = VanguardPost.objects.visible_to(user).filter(pk=pk).first()
    if post is None:
        raise NotFound(POST_NOT_FOUND)
    return post


def access_role_model(user: Any, pk: int) -> RoleModel:
    model = RoleModel.objects.visible_to(user).select_related("person").filter(pk=pk).first()
    if model is None:
        raise NotFound(MODEL_NOT_FOUND)
    return model


# --- visits: a station's recent visits, and 服务人次 ------------------------------------------


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


def street_code(region_code: str) -> str:
    """The street (街道/乡镇) a region code lies in (the code itself above street level)."""
    length = PREFIX_LENGTH[Level.STREET]
    if len(region_code) <= length:
        return region_code
    return region_code[:length].ljust(12, "0")


def statistics(stations: QuerySet, year: int) -> dict[str, Any]:
    """服务人次 (visits + tallied counts) of ``stations`` in calendar ``year`` (Asia/Shanghai):
    by station (those served), by street (with the number of ``stations`` in it, served or
    not) and by month, and the totals. Four aggregate queries plus the
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
    # Every station of the scope, served this year or not: a street's 驿站数 is the number of
    # stations the station list shows for that street (issue 13: it counted only the stations
    # with a visit, 36 against the list's 43).
    named = stations.order_by().values_list("pk", "name", "region_id")
    station_rows = []
    streets: dict[str, dict[str, Any]] = {}
    for pk, name, region_id in named:
        street = street_code(region_id)
        entry = streets.setdefault(
            street, {"code": street, "stations": 0, "scans": 0, "tallied": 0}
        )
        entry["stations"] += 1
        counts = by_station.get(pk)
        if counts is None:
            continue
        entry["scans"] += counts["scans"]
        entry["tallied"] += counts["tallied"]
        station_rows.append({
            "pk": pk, "name": name, "street": street, **counts,
            "total": counts["scans"] + counts["tallied"],
        })  # fmt: skip
    station_rows.sort(key=lambda r: (-r["total"], r["name"]))
    names = dict(Region.objects.filter(code__in=list(streets)).values_list("code", "name"))
    for row in station_rows:
        row["street_name"] = names.get(row["street"], row["street"])
    street_rows = [
        {
            **s,
            "name": names.get(code, code),
            "total": s["scans"] + s["tallied"],
        }
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
