"""Read side of regions: access helper, scoped tree, locate a point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shegong.core import geo
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import STAFF_ROLES

from .choices import PREFIX_LENGTH, Level
from .models import Region

OUT_OF_SERVICE = "不在服务范围内"


def access_region(user: Any, code: str, *, for_write: bool = False) -> Region:
    """The region if it is inside the caller's scope; else NotFound (same as missing)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise NotFound("未找到该区划，或不在您的工作范围内")
    return region


@dataclass(frozen=True)
class Located:
    region: Region
    method: str  # "boundary" (inside a polygon) or "nearest" (nearest centroid fallback)
    distance_m: float | None = None


def locate(lat: float, lon: float, crs: str = "wgs84") -> Located:
    """The grid (else community) containing the point.

    Candidates come from an indexed bounding-box query; the exact polygon test runs in Python
    on the few that remain. A point inside the deployment's outer boundary but in no community
    polygon falls back to the nearest community centroid; a point outside every boundary is
    refused with "不在服务范围内".
    """
    if crs not in geo.CRS_CHOICES:
        raise InvalidInput.field("crs", "坐标系应为 wgs84、gcj02 或 bd09")
    if not (-90 <= lat <= 90):
        raise InvalidInput.field("lat", "纬度应在 -90 到 90 之间")
    if not (-180 <= lon <= 180):
        raise InvalidInput.field("lon", "经度应在 -180 到 180 之间")
    lat, lon = geo.to_wgs84(lat, lon, crs)
    candidates = Region.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).only("code", "name", "level", "boundary", "parent_id")
    inside = [r for r in candidates if geo.contains(r.boundary, lat, lon)]
    for level in (Level.GRID, Level.COMMUNITY):
        hits = [r for r in inside if r.level == level]
        if hits:
            return Located(max(hits, key=lambda r: len(r.code)), "boundary")
    if not inside:
        raise InvalidInput(
            OUT_OF_SERVICE,
            errors=[
                {"field": "lat", "message": OUT_OF_SERVICE},
                {"field": "lon", "message": OUT_OF_SERVICE},
            ],
        )
    # Inside the district (or a street) but between community polygons: nearest centroid of a
    # community inside the innermost region that does contain the point.
    container = max(inside, key=lambda r: len(r.code.rstrip("0")))
    communities = Region.objects.subtree(container.prefix).filter(
        level=Level.COMMUNITY, centroid_lat__isnull=False
    )
    best = min(
        communities,
        key=lambda r: geo.haversine_m(lat, lon, r.centroid_lat, r.centroid_lon),
        default=None,
    )
    if best is None:
        return Located(container, "boundary")
    return Located(best, "nearest", geo.haversine_m(lat, lon, best.centroid_lat, best.centroid_lon))


MAX_REGION_OPTIONS = 500


def h5_region_groups(user: Any) -> list[tuple[Region | None, list[Region]]]:
    """The street → communities picker of the H5 registration pages: the district of the user's
    membership (a rider or volunteer moves across the district), else the whole deployment;
    staff pick inside their own scope. At most MAX_REGION_OPTIONS regions."""
    membership = user.active_membership
    if user.is_superuser or user.active_role in STAFF_ROLES:
        base = Region.objects.visible_to(user)
    elif membership is not None:
        prefix = membership.region.code[: min(len(membership.region.prefix), 6)]
        base = Region.objects.subtree(prefix)
    else:
        base = Region.objects.all()
    rows = list(
        base.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("code")[:MAX_REGION_OPTIONS]
    )
    streets: dict[str, tuple[Region | None, list[Region]]] = {
        r.code: (r, []) for r in rows if r.level == Level.STREET
    }
    orphans: list[Region] = []
    for region in rows:
        if region.level != Level.COMMUNITY:
            continue
        street_code = region.code[: PREFIX_LENGTH[Level.STREET]].ljust(12, "0")
        (streets[street_code][1] if street_code in streets else orphans).append(region)
    groups = list(streets.values())
    if orphans:
        groups.append((None, orphans))
    return groups


def access_import_job(user: Any, pk: int) -> Any:
    """The caller's own regions import job (someone else's, of any scope, is NotFound)."""
    from shegong.core.models import JobRun

    from .tasks import JOB_KIND

    job = None
    if user.pk is not None:  # never the jobs without an owner
        job = JobRun.objects.filter(pk=pk, kind=JOB_KIND, created_by_id=user.pk).first()
    if job is None:
        raise NotFound("未找到该导入任务，或您无权查看")
    return job


# --- boundaries for the maps -------------------------------------------------------------------

# What a passer-by may see on a public map: the district and its streets and communities. A grid
# names a handful of buildings and its grid worker's patch: staff only.
PUBLIC_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
# Douglas-Peucker tolerance per level, in degrees (0.0001° ≈ 10 m): an outline for orientation,
# finer for the smaller units that are looked at closer.
SIMPLIFY_TOLERANCE = {
    Level.PROVINCE: 0.01,
    Level.CITY: 0.003,
    Level.DISTRICT: 0.0008,
    Level.STREET: 0.0004,
    Level.COMMUNITY: 0.0002,
    Level.GRID: 0.0001,
}
MAX_BOUNDARY_FEATURES = 2_000


def parse_level(raw: str | None, allowed: tuple[str, ...] = tuple(Level)) -> Level:
    """The one level a boundaries request asks for, or InvalidInput naming the field."""
    value = (raw or "").strip()
    if not value:
        raise InvalidInput.field("level", "请指定层级（level），如 street、community 或 grid")
    if value not in Level.values:
        raise InvalidInput.field("level", f"未知的层级：{value[:20]}")
    if value not in allowed:
        raise InvalidInput.field("level", f"不提供「{Level(value).label}」层级的边界")
    return Level(value)


def boundary_features(regions: Any, level: Level) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``regions`` at ``level`` that have a boundary, simplified
    for drawing, each with its code, name and level (coordinates WGS-84 [lon, lat], the system
    the regions are stored in and 天地图's tiles use, so no shift)."""
    rows = (
        regions.filter(level=level, boundary__isnull=False)
        .order_by("code")
        .values_list("code", "name", "boundary")[:MAX_BOUNDARY_FEATURES]
    )
    tolerance = SIMPLIFY_TOLERANCE[level]
    features = []
    for code, name, boundary in rows:
        try:
            geometry = geo.simplify(boundary, tolerance)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed boundary draws nothing rather than break the map
        if not geometry["coordinates"]:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "level": level.value},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}
