"""What deliberation offers in the phone shell (``core.registry.h5_tiles``)."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile
from shegong.deliberation.queries import communities_of

_CACHE = "_h5_deliberation_community"


def has_community(user: Any) -> bool:
    """Whether the user belongs to a community (asked once a request, memoised on the user)."""
    if not hasattr(user, _CACHE):
        found = bool(getattr(user, "is_authenticated", False)) and bool(communities_of(user))
        setattr(user, _CACHE, found)
    return bool(getattr(user, _CACHE))


TILES = [
    # meetings (议事会): notices, records, sign-in
    H5Tile(
        "deliberation_meetings", "议事会", "deliberation_m:meetings", "bell", order=30,
        visible=has_community, places=("home",),
    ),
]  # fmt: skip
