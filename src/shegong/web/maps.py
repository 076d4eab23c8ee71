"""Map configuration for every page that draws a Leaflet map (``static/shegong/map.js``).

A map is one element, ``{% include "includes/map.html" %}``, configured by data- attributes: the
tile layers (only with a key), the regions' outlines as the base layer (served by regions, so a
map is useful with no key and no internet) and the points. Stored points and the outlines are
WGS-84, the system of 天地图's tiles (CGCS2000, the same to the centimetre): nothing is shifted,
unless the tiles are declared GCJ-02 (``SHEGONG_MAP_CRS``), when the page shifts them all alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings

# A map draws at most this many points; the page says so when it is capped.
MAX_POINTS = 500


def map_config() -> dict[str, Any]:
    """Tiles only with a key: without one, no request leaves the page (intranet, no key).
    ``crs`` is the tiles' coordinate system: with GCJ-02 tiles (高德/腾讯) the page shifts every
    stored WGS-84 point and outline onto them; without tiles nothing is shifted."""
    tk = getattr(settings, "SHEGONG_MAP_TK", "")
    tiles = list(getattr(settings, "SHEGONG_MAP_TILES", [])) if tk else []
    crs = getattr(settings, "SHEGONG_MAP_CRS", "wgs84") if tiles else "wgs84"
    return {"tiles": tiles, "tk": tk, "subdomains": "01234567", "crs": crs}


def tiles_json() -> str:
    """The tile configuration for a map element's ``data-tiles``."""
    return json.dumps(map_config(), ensure_ascii=False, separators=(",", ":"))


def point(
    lat: float, lon: float, title: str = "", *, url: str = "", closed: bool = False
) -> dict[str, Any]:
    """One point of a map: a marker with its title (text, never HTML) and an optional link."""
    found: dict[str, Any] = {"lat": round(lat, 6), "lon": round(lon, 6), "title": title}
    if url:
        found["url"] = url
    if closed:
        found["open"] = False  # drawn in the palette's second colour
    return found


def points_json(points: Iterable[dict[str, Any]]) -> str:
    """The points for a map element's ``data-points`` (at most MAX_POINTS)."""
    listed = list(points)[:MAX_POINTS]
    return json.dumps(listed, ensure_ascii=False, separators=(",", ":"))
