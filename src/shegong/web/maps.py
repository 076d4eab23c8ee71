"""Map configuration for every page that draws a Leaflet map."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def map_config() -> dict[str, Any]:
    """Tiles only with a key: without one, no request leaves the page (intranet, no key)."""
    tk = getattr(settings, "SHEGONG_MAP_TK", "")
    tiles = list(getattr(settings, "SHEGONG_MAP_TILES", [])) if tk else []
    return {"tiles": tiles, "tk": tk, "subdomains": "01234567"}
