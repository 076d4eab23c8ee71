"""What deliberation offers in the phone shell (``core.registry.h5_tiles``)."""

from __future__ import annotations

from shegong.core.registry import H5Tile

TILES = [
    H5Tile(
        "deliberation_actions", "落地实事", "deliberation_m:actions", "list", order=61,
        places=("home",),
    ),
]  # fmt: skip
