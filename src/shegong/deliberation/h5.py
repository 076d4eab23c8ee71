"""What deliberation offers in the phone shell (``core.registry.h5_tiles``): 议事厅 on the home
page for anyone of a community: one tile; the hall links on to its meetings and action items."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile
from shegong.deliberation import queries

_COMMUNITY = "_h5_deliberation_community"


def has_community(user: Any) -> bool:
    """Whether the user belongs to a community (asked once a request)."""
    if not hasattr(user, _COMMUNITY):
        setattr(user, _COMMUNITY, bool(queries.communities_of(user)))
    return bool(getattr(user, _COMMUNITY))


TILES = [
    # topics
    H5Tile(
        "deliberation_hall", "议事厅", "deliberation_m:hall", "list", order=30,
        visible=has_community, places=("home",),
    ),
]  # fmt: skip
