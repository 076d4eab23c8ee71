"""Coordinates: WGS-84 / GCJ-02 / BD-09 conversion, distances, GeoJSON polygons.

Points are stored as WGS-84 (天地图/CGCS2000 agree to the centimetre). Phones inside WeChat, AMap
and Tencent maps report GCJ-02, Baidu BD-09: ``to_wgs84`` converts them on the way in. The
formulas are the published ones (DOMAIN.md §8, after wandergis/coordTransform_py); GCJ-02 has no
closed-form inverse, so the inverse iterates to centimetre precision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from .errors import InvalidInput

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _t_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _t_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _t_lat(lon - 105.0, lat - 35.0)
    dlon = _t_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, iterations: int = 8) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(iterations):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon, w_lat = w_lon - (g_lon - lon), w_lat - (g_lat - lat)
    return w_lon, w_lat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def to_wgs84(lat: float, lon: float, crs: str = "wgs84") -> tuple[float, float]:
    """Convert an input point to stored WGS-84; returns (lat, lon)."""
    if crs == "wgs84":
        return lat, lon
    if crs == "gcj02":
        w_lon, w_lat = gcj02_to_wgs84(lon, lat)
    elif crs == "bd09":
        w_lon, w_lat = gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    else:
        raise ValueError(f"unknown crs {crs!r}")
    return w_lat, w_lon


def from_wgs84(lat: float, lon: float, crs: str = "wgs84") -> tuple[float, float]:
    """Convert a stored WGS-84 point for output in ``crs``; returns (lat, lon)."""
    if crs == "wgs84":
        return lat, lon
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    if crs == "gcj02":
        return g_lat, g_lon
    if crs == "bd09":
        b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
        return b_lat, b_lon
    raise ValueError(f"unknown crs {crs!r}")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


# --- GeoJSON polygons (coordinates are [lon, lat]) ------------------------------------------


def _polygons(geometry: dict[str, Any]) -> Iterable[list[list[list[float]]]]:
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]
    else:
        raise ValueError(f"边界不是有效的多边形：类型应为 Polygon 或 MultiPolygon，而不是 {kind}")


def validate_polygon(geometry: Any) -> None:
    """Raise ValueError with a Chinese message unless this is a usable GeoJSON (Multi)Polygon."""
    if not isinstance(geometry, dict):
        raise ValueError("边界应为 GeoJSON 对象")
    try:
        for polygon in _polygons(geometry):
            for ring in polygon:
                if len(ring) < 4:
                    raise ValueError("边界的每个环至少需要4个点（首尾相同）")
                for point in ring:
                    lon, lat = float(point[0]), float(point[1])
                    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                        raise ValueError("边界坐标超出经纬度范围")
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError("边界不是有效的 GeoJSON 多边形") from exc


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a (Multi)Polygon."""
    lats, lons = [], []
    for polygon in _polygons(geometry):
        for lon, lat, *_ in polygon[0]:
            lats.append(lat)
            lons.append(lon)
    return min(lats), max(lats), min(lons), max(lons)


def _in_ring(lat: float, lon: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict[str, Any], lat: float, lon: float) -> bool:
    """Ray casting: inside the outer ring and outside every hole of some polygon."""
    for polygon in _polygons(geometry):
        if _in_ring(lat, lon, polygon[0]) and not any(_in_ring(lat, lon, h) for h in polygon[1:]):
            return True
    return False


def centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the outer rings; good enough for a label or fallback."""
    area_sum = cx = cy = 0.0
    for polygon in _polygons(geometry):
        ring = polygon[0]
        for (x0, y0, *_), (x1, y1, *_) in pairwise(ring):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area_sum == 0:
        min_lat, max_lat, min_lon, max_lon = bbox(geometry)
        return (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    return cy / (3 * area_sum), cx / (3 * area_sum)


# --- checking an input point -----------------------------------------------------------

CRS_LABELS = {
    "wgs84": "WGS-84（GPS）",
    "gcj02": "GCJ-02（高德/腾讯/微信）",
    "bd09": "BD-09（百度）",
}

# China's bounding box (lat, lon): a point outside it is a wrong point, not a far one.
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.5, 135.1)


def _in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def check_point(lat: Any, lon: Any, crs: str = "wgs84") -> tuple[float, float]:
    """The input point as WGS-84 (lat, lon), or InvalidInput naming the field(s) in Chinese:
    missing or not a number, swapped (纬度和经度可能填反了), outside China, unknown crs."""
    errors: list[dict[str, str]] = []
    values: dict[str, float] = {}
    for field, raw, label in (("lat", lat, "纬度"), ("lon", lon, "经度")):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.append({"field": field, "message": f"请提供{label}"})
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors.append({"field": field, "message": f"{label}应为数字"})
            continue
        if not math.isfinite(number):
            errors.append({"field": field, "message": f"{label}应为有限的数字"})
            continue
        values[field] = number
    if crs not in CRS_CHOICES:
        errors.append({"field": "crs", "message": "坐标系应为 wgs84、gcj02 或 bd09 之一"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    lat_f, lon_f = values["lat"], values["lon"]
    if not _in_china(lat_f, lon_f):
        if _in_china(lon_f, lat_f):
            message = f"纬度和经度可能填反了：纬度 {lat_f:g}、经度 {lon_f:g}"
            raise InvalidInput(
                message,
                errors=[{"field": "lat", "message": message}, {"field": "lon", "message": message}],
            )
        message = "坐标不在中国境内"
        fields = [f for f, ok in (("lat", _lat_ok(lat_f)), ("lon", _lon_ok(lon_f))) if not ok]
        raise InvalidInput(message, errors=[{"field": f, "message": message} for f in fields])
    return to_wgs84(lat_f, lon_f, crs)


def _lat_ok(lat: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _lon_ok(lon: float) -> bool:
    return CHINA_LON[0] <= lon <= CHINA_LON[1]


# --- simplifying an outline for a map ----------------------------------------------------------


def _simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on one closed ring (iterative, so a long ring cannot blow the stack).
    The first and last points stay; a ring never drops below four points (a triangle, closed)."""
    points = [(float(p[0]), float(p[1])) for p in ring]
    if len(points) <= 4:
        return [list(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    # A closed ring's ends coincide: split it at the point farthest from the start instead.
    far = max(range(len(points)), key=lambda i: _dist2(points[i], points[0]))
    keep[far] = True
    stack = [(0, far), (far, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        best, best_d = -1, tol2
        for i in range(first + 1, last):
            d = _segment_dist2(points[i], points[first], points[last])
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(first, best), (best, last)]
    kept = [p for p, k in zip(points, keep, strict=True) if k]
    if len(kept) < 4:
        return [list(p) for p in points]
    return [list(p) for p in kept]


def _dist2(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _segment_dist2(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return _dist2(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return _dist2(p, (a[0] + t * dx, a[1] + t * dy))


def simplify(geometry: dict[str, Any], tolerance: float, decimals: int = 5) -> dict[str, Any]:
    """A lighter copy of a (Multi)Polygon for drawing: outer rings only (holes dropped),
    Douglas-Peucker at ``tolerance`` degrees, coordinates rounded to ``decimals`` (5 ≈ 1 m).
    Raises ValueError for anything but a (Multi)Polygon."""
    polygons = []
    for polygon in _polygons(geometry):
        if not polygon or len(polygon[0]) < 4:
            continue
        ring = _simplify_ring(polygon[0], tolerance)
        polygons.append([[[round(x, decimals), round(y, decimals)] for x, y, *_ in ring]])
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}
