"""What reports offers in the phone shell (``core.registry.h5_tiles``): 随手拍 (home and the
bottom navigation) and 我的上报 (home and 我的)."""

from __future__ import annotations

from shegong.core.registry import H5Tile

TILES = [
    H5Tile("report", "随手拍", "reports_m:report", "camera", order=10, places=("home", "nav")),
    H5Tile(
        "my_reports", "我的上报", "reports_m:my_reports", "list", order=11, places=("home", "me")
    ),
]
