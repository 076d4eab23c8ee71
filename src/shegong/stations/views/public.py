"""Public station pages (no login, ``login_not_required``): the H5 "附近的驿站" page and the
public map with its list. Both read ``queries.nearest`` / open stations only and show what a
station is — never anything about a person (a station's own phone is public information).

The H5 page works without JavaScript: it lists the open stations by name (the fallback); with
the phone's position (geolocation fills ``lat``/``lon`` and resubmits) it lists the nearest with
their distance, filtered by facility chips and the "现在开放" toggle.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shegong.core.errors import InvalidInput
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web import maps

from .. import queries
from ..api.stations import station_out
from ..choices import StationStatus
from ..models import Facility, Station

LIST_LIMIT = 200  # the fallback list and the map: a district has about a hundred stations
MAP_POINTS = 500


def _open_stations() -> Any:
    return (
        Station.objects.filter(status=StationStatus.OPEN)
        .prefetch_related("facilities")
        .order_by("name", "pk")
    )


def distance_label(metres: float) -> str:
    """ "350 米" below a kilometre, "2.4 公里" above."""
    return f"{metres:.0f} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"


@login_not_required
@require_safe
def m_nearest(request: HttpRequest) -> HttpResponse:
    """附近驿站, the finder: the results first (nearest first with the phone's position, else
    by name), the filters folded under them — facilities, 现在开放 and a street, which is how
    one narrows the list when the position is refused — and per station a ``geo:`` link that
    the phone opens in its own map app (no external URL in the page)."""
    now = timezone.now()
    chosen = [c for c in request.GET.getlist("facility") if c]
    open_now = request.GET.get("open_now") in ("1", "true", "on")
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    crs = request.GET.get("crs") or "wgs84"
    streets = _streets_with_stations()
    street_code = (request.GET.get("street") or "").strip()
    street = next((r for r in streets if r.code == street_code), None)
    error = ""
    status = 200
    if street_code and street is None:
        error, status, street_code = "未找到该街道，请从列表中选择", 422, ""
    in_street = None if street is None else _region_ids_under(street)
    located = bool(lat or lon)
    rows: list[dict[str, Any]] = []
    if located:
        try:
            found = queries.nearest(
                lat, lon, crs=crs, radius=queries.RADIUS_MAX_M, facilities=chosen,
                open_now=open_now, limit=20, at=now,
            )  # fmt: skip
            if in_street is not None:
                found = [(s, d) for s, d in found if s.region_id in in_street]
            rows = [station_out(s, distance=d, at=now) for s, d in found]
            for row in rows:
                row["distance_label"] = distance_label(row["distance_m"])
        except InvalidInput as exc:
            error, status, located = exc.detail, 422, False
    if not located:
        stations = _open_stations()
        if in_street is not None:
            stations = stations.filter(region_id__in=in_street)
        codes = set(chosen)
        rows = [station_out(s, at=now) for s in stations[:LIST_LIMIT]]
        if codes:
            rows = [r for r in rows if codes <= {f["code"] for f in r["facilities"]}]
        if open_now:
            rows = [r for r in rows if r["open_now"]]
    context = {
        "rows": rows,
        "map_points": _map_points(rows),
        "located": located,
        "error": error,
        "facilities": Facility.objects.filter(is_active=True),
        "chosen": chosen,
        "open_now": open_now,
        "streets": streets,
        "street": street,
        "filtered": bool(chosen or open_now),  # the folded filters; the street is its own line
    }
    return render(request, "stations/m_nearest.html", context, status=status)


def _streets_with_stations() -> list[Region]:
    """The streets (by code) that have an open station: the finder's street filter."""
    region_codes = set(
        Region.objects.filter(
            pk__in=Station.objects.filter(status=StationStatus.OPEN).values("region_id")
        ).values_list("code", flat=True)
    )
    return [
        street
        for street in Region.objects.filter(level=Level.STREET).order_by("code")
        if any(street.contains_code(code) for code in region_codes)
    ]


def _region_ids_under(region: Region) -> set[int]:
    return set(Region.objects.filter(code__startswith=region.prefix).values_list("pk", flat=True))


@login_not_required
@require_safe
def public_map(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [station_out(s, at=now) for s in _open_stations()[:MAP_POINTS]]
    context = {"rows": rows, "map_points": _map_points(rows)}
    return render(request, "stations/public_map.html", context)


def _map_points(rows: list[dict[str, Any]]) -> str:
    """The stations as map points: green when open now, grey when not (the page's palette)."""
    return maps.points_json(
        maps.point(r["lat"], r["lon"], f"{r['name']} · {r['today']}", closed=not r["open_now"])
        for r in rows
    )
