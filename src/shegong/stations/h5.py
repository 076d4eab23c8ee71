"""What stations offers in the phone shell (``core.registry.h5_tiles``): 新就业群体登记 for
anyone not registered; for a rider, his station home, 附近驿站 (also in the bottom navigation),
我的关爱与保险, and 我的骑手档案 on the 我的 page."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile

from . import queries

_CACHE = "_h5_stations_worker"


def rider(user: Any) -> Any:
    """The user's own live worker profile, asked once per request (the tiles share it)."""
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, queries.own_worker(user))
    return getattr(user, _CACHE)


def is_rider(user: Any) -> bool:
    return rider(user) is not None


def not_rider(user: Any) -> bool:
    return rider(user) is None


TILES = [
    H5Tile(
        "worker", "我的驿站", "stations_m:worker", "station", order=20, visible=is_rider,
        note=lambda user: "签到、诉求、关爱",
    ),
    H5Tile(
        "nearest", "附近驿站", "stations_m:m_nearest", "map", order=21, visible=is_rider,
        places=("home", "nav"), nav_label="驿站",
    ),
    H5Tile("my_care", "我的关爱与保险", "stations_m:my_care", "shield", order=22, visible=is_rider),
    H5Tile(
        "worker_profile", "我的骑手档案", "stations_m:worker_profile", "badge", order=20,
        visible=is_rider, places=("me",),
    ),
    H5Tile(
        "worker_register", "新就业群体登记", "stations_m:worker_register", "badge", order=29,
        visible=not_rider, note=lambda user: "外卖骑手、快递员、网约车司机等",
    ),
]  # fmt: skip
