"""The phone shell's read side: the tiles, bottom-navigation entries and 我的 links the apps
registered (``core.registry.h5_tiles``), for one user. The shell renders them and names no app."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from shegong.core import registry
from shegong.core.registry import H5Tile

PLACES = ("home", "nav", "me")


def _url(tile: H5Tile, user: Any) -> str | None:
    if callable(tile.url):
        return tile.url(user)
    try:
        return reverse(tile.url)
    except NoReverseMatch:
        return None  # a page this deployment does not mount


def tiles_for(user: Any, place: str, current_path: str = "") -> list[dict[str, Any]]:
    """The registered entries of ``place`` (home, nav or me) that ``user`` sees, in order, each
    as ``{key, label, url, icon, badge, note, active}``. A visitor who is not logged in sees
    none (the predicates read the user's own records)."""
    if place not in PLACES:
        raise ValueError(f"unknown H5 place {place!r}")
    if not getattr(user, "is_authenticated", False):
        return []
    entries = []
    for tile in registry.h5_tiles:
        if place not in tile.places or (tile.visible is not None and not tile.visible(user)):
            continue
        url = _url(tile, user)
        if url is None:
            continue
        entries.append(
            {
                "key": tile.key,
                "label": (tile.nav_label or tile.label) if place == "nav" else tile.label,
                "url": url,
                "icon": tile.icon,
                "badge": (tile.badge(user) or None) if tile.badge is not None else None,
                "note": tile.note(user) if tile.note is not None else "",
                # /m/ itself is 首页, not the parent of every page
                "active": current_path == url
                or (url != reverse("mobile_home") and current_path.startswith(url)),
            }
        )
    return entries
