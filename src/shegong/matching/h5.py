"""What matching offers in the phone shell: 今日常态化服务 for a helper with standing tasks."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile

from .models import Offer

_CACHE = "_h5_matching_standing_helper"


def has_standing_rota(user: Any) -> bool:
    """Whether one of the user's offers is on a standing order's rota (asked once a request)."""
    if not hasattr(user, _CACHE):
        found = (
            bool(getattr(user, "is_authenticated", False))
            and Offer.objects.filter(helper=user, rota_slots__isnull=False).exists()
        )
        setattr(user, _CACHE, found)
    return bool(getattr(user, _CACHE))


TILES = [
    H5Tile(
        "standing_tasks", "今日常态化服务", "matching_m:standing_tasks", "clock", order=41,
        visible=has_standing_rota, note=lambda user: "送餐等每日任务",
    ),
]  # fmt: skip
