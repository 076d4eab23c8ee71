"""The big screen (大屏): one dark 1920×1080 page for a meeting-room display.

``/dashboard/screen/?region=CODE`` shows the region's key figures (a handful per section of the
indicators the caller may see, this year and this month), a map of its children (streets of a
district, communities of a street) coloured by a headline indicator, the children ranked by it
and its trend over twelve months. The page draws from ``data.json`` (fetched again every
``SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS``) and ``geo.json`` (the children's own boundary
polygons as GeoJSON): no tile, no external URL. Everything is scoped: a region outside the
caller's scope is 404, the same as a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shegong.core import registry
from shegong.core.api import problem
from shegong.core.errors import NotFound
from shegong.core.periods import Period
from shegong.core.perms import Perm, require_perm
from shegong.core.registry import INDICATOR_SECTIONS, Indicator
from shegong.regions import queries as region_queries
from shegong.regions.choices import PREFIX_LENGTH, Level, child_level
from shegong.regions.models import Region

from .. import figures
from ..models import RollupState

TEMPLATE = "dashboard/screen/page.html"
FIGURES_PER_SECTION = 3  # what a section shows on the screen (its first indicators by order)
RANKING_SIZE = 10  # the children in the ranking chart
TREND_MONTHS = 12
DEFAULT_REFRESH_SECONDS = 60


def refresh_seconds() -> int:
    return int(
        getattr(settings, "SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS)
    )


# --- what the caller sees ---------------------------------------------------------------------


def visible_indicators(user: Any) -> list[Indicator]:
    """The indicators ``user`` may see, in the sections' order then the registry's."""
    sections = list(INDICATOR_SECTIONS)
    shown = [
        i
        for i in registry.indicators
        if i.section in INDICATOR_SECTIONS and (i.perm is None or user.has_perm_in_scope(i.perm))
    ]
    return sorted(shown, key=lambda i: sections.index(i.section))  # stable: keeps the order


def default_region(user: Any) -> Region:
    """The caller's own region: their active membership's, or for a superuser (whose scope is
    everything) the first district, else the top of the tree."""
    membership = getattr(user, "active_membership", None)
    if membership is not None:
        return membership.region
    region = (
        Region.objects.visible_to(user).filter(level=Level.DISTRICT).order_by("code").first()
        or Region.objects.visible_to(user).order_by("code").first()
    )
    if region is None:
        raise NotFound("没有可展示的区划")
    return region


class BadParameter(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _region(request: HttpRequest) -> Region:
    """The ``?region=`` asked for, inside the caller's scope (else NotFound), or their own."""
    code = request.GET.get("region", "").strip()
    if not code:
        return default_region(request.user)
    if not code.isdigit() or len(code) not in (12, 15):
        raise BadParameter("region", "区划代码（region）应为12位或15位数字")
    return region_queries.access_region(request.user, code)


def _headline(request: HttpRequest, shown: list[Indicator]) -> Indicator | None:
    """The ``?indicator=`` colouring the map (one the caller may see), else the first shown."""
    code = request.GET.get("indicator", "").strip()
    if not code:
        return shown[0] if shown else None
    for indicator in shown:
        if indicator.code == code:
            return indicator
    raise BadParameter("indicator", f"未知的指标（indicator）：{code[:40]}")


# --- the map's units -------------------------------------------------------------------------


def unit_level(region: Region) -> Level:
    """The level the map and the ranking break ``region`` down into: its children, down to the
    community (the rollups keep nothing finer); a community shows itself."""
    if region.level in (Level.COMMUNITY, Level.GRID):
        return Level(region.level)
    return Level(child_level(region.level) or region.level)


def units(region: Region) -> list[Region]:
    """The regions the map draws and the ranking ranks."""
    level = unit_level(region)
    if level == Level(region.level):
        return [region]
    return list(
        Region.objects.subtree(region.prefix)
        .filter(level=level)
        .order_by("code")
        .only("code", "name", "level")
    )


def unit_figures(codes: list[str], region: Region, period: Period) -> tuple[figures.Figures, int]:
    """``codes``' figures per unit of ``region`` (keyed by the unit's prefix) and the length of
    that prefix. Streets and communities come straight from the rollups' breakdowns; wider units
    (districts of a city) add up their streets' parts."""
    level = unit_level(region)
    length = PREFIX_LENGTH[level]
    if length == PREFIX_LENGTH[Level.COMMUNITY]:
        return figures.totals(codes, region.prefix, period, by="community"), length
    by_street = figures.totals(codes, region.prefix, period, by="street")
    if length == PREFIX_LENGTH[Level.STREET]:
        return by_street, length
    summed: dict[str, dict[str, float]] = {}
    for part, values in by_street.values.items():
        per: dict[str, float] = defaultdict(float)
        for key, value in values.items():
            per[key[:length]] += value
        summed[part] = dict(per)
    return figures.Figures(summed), length


# --- the payload -----------------------------------------------------------------------------


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def data_time() -> str:
    """When the rollups were last brought up to date (local time), or "" if never."""
    state = RollupState.objects.filter(name="changes").only("rolled_at").first()
    if state is None or state.rolled_at is None:
        return ""
    return timezone.localtime(state.rolled_at).strftime("%Y-%m-%d %H:%M")


def payload(user: Any, region: Region, headline: Indicator | None, today: date) -> dict[str, Any]:
    """Everything the screen draws, for ``region`` as of ``today``."""
    shown = visible_indicators(user)
    year = Period(date(today.year, 1, 1), today)
    month = Period(today.replace(day=1), today)
    by_section: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in shown:
        if len(by_section[indicator.section]) < FIGURES_PER_SECTION:
            by_section[indicator.section].append(indicator)
    keys = [i.code for items in by_section.values() for i in items]
    year_figures = figures.totals(keys, region.prefix, year)
    month_figures = figures.totals(keys, region.prefix, month)
    sections = [
        {
            "key": section,
            "title": INDICATOR_SECTIONS[section],
            "figures": [
                {
                    "code": i.code,
                    "name": i.name,
                    "unit": "%" if i.kind == "rate" else i.unit,
                    "kind": i.kind,
                    "year": _number(year_figures.value(i.code)),
                    "month": _number(month_figures.value(i.code)),
                }
                for i in items
            ],
        }
        for section, items in by_section.items()
    ]
    data: dict[str, Any] = {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "title": f"{region.name}基层社会工作数据大屏",
        "today": today.isoformat(),
        "year": today.year,
        "month": today.month,
        "data_time": data_time(),
        "refresh_seconds": refresh_seconds(),
        "indicators": [
            {"code": i.code, "name": i.name, "section": INDICATOR_SECTIONS[i.section]}
            for i in shown
        ],
        "sections": sections,
        "headline": None,
        "units": [],
        "ranking": [],
        "trend": {"months": [], "values": []},
    }
    if headline is None:
        return data
    unit = "%" if headline.kind == "rate" else headline.unit
    data["headline"] = {"code": headline.code, "name": headline.name, "unit": unit}
    by_unit, length = unit_figures([headline.code], region, year)
    rows = [
        {
            "code": u.code,
            "name": u.name,
            "value": _number(by_unit.value(headline.code, u.code[:length])),
        }
        for u in units(region)
    ]
    data["units"] = rows
    ranked = sorted(
        (r for r in rows if r["value"] is not None), key=lambda r: (-r["value"], r["code"])
    )
    data["ranking"] = ranked[:RANKING_SIZE]
    months = figures.months_ending(today, TREND_MONTHS)
    series = figures.monthly([headline.code], region.prefix, months)[headline.code]
    data["trend"] = {
        "months": [m.strftime("%Y-%m") for m in months],
        "values": [_number(v) for v in series],
    }
    return data


def geojson(region: Region) -> dict[str, Any]:
    """The map units' boundaries as a FeatureCollection (a unit without one is left out)."""
    level = unit_level(region)
    if level == Level(region.level):
        regions = Region.objects.filter(code=region.code)
    else:
        regions = Region.objects.subtree(region.prefix)
    return region_queries.boundary_features(regions, level)


# --- the pages -------------------------------------------------------------------------------


def _bad(exc: BadParameter) -> HttpResponse:
    return problem(
        400, exc.message, title="参数有误", errors=[{"field": exc.field, "message": exc.message}]
    )


def _not_found(exc: NotFound) -> HttpResponse:
    return problem(404, exc.detail, title="未找到", slug="not-found")


@require_http_methods(["GET", "HEAD"])
def screen(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    shown = visible_indicators(request.user)
    try:
        region = _region(request)
        headline = _headline(request, shown)
    except BadParameter as exc:
        context = {"error": exc.message, "title": "基层社会工作数据大屏"}
        return render(request, TEMPLATE, context, status=400)
    data = payload(request.user, region, headline, timezone.localdate())
    parent = None
    if region.parent_id:  # the level up, when it is still the caller's
        parent = Region.objects.visible_to(request.user).filter(code=region.parent_id).first()
    context = {
        "title": data["title"],
        "region": region,
        "parent": parent,
        "data": data,
        "query": {"region": region.code, "indicator": headline.code if headline else ""},
        "refresh_seconds": refresh_seconds(),
        "drill": unit_level(region) != region.level,  # a click on a unit opens its own screen
    }
    return render(request, TEMPLATE, context)


@require_http_methods(["GET", "HEAD"])
def screen_data(request: HttpRequest) -> HttpResponse:
    """The screen's figures as JSON (what the page fetches every few seconds)."""
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    try:
        region = _region(request)
        headline = _headline(request, visible_indicators(request.user))
    except BadParameter as exc:
        return _bad(exc)
    except NotFound as exc:
        return _not_found(exc)
    data = payload(request.user, region, headline, timezone.localdate())
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def screen_geo(request: HttpRequest) -> HttpResponse:
    """The map units' outlines of ``?region=`` (its streets, or its communities) as GeoJSON,
    built from the regions' own boundary polygons."""
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    try:
        region = _region(request)
    except BadParameter as exc:
        return _bad(exc)
    except NotFound as exc:
        return _not_found(exc)
    response = JsonResponse(geojson(region), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    response["Cache-Control"] = "private, max-age=300"
    response["Vary"] = "Cookie"
    return response
