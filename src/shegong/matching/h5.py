"""What matching offers in the phone shell (``core.registry.h5_tiles``): 我要点单 and 我的订单
for any signed-in phone user (我的订单's badge: orders done and waiting for a rating), 接单 for
the account of an approved offer (its badge: orders dispatched to it awaiting an answer). Each
predicate asks its one query once per request, memoised on the user object. 今日常态化服务 for
a helper on a standing order's rota."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile

from .choices import OrderStatus
from .models import Offer
from .queries import mobile as queries

_TO_RATE = "_h5_matching_to_rate"
_WAITING = "_h5_matching_waiting"
_CACHE = "_h5_matching_standing_helper"
_VOLUNTEER = "_h5_matching_volunteer"


def to_rate(user: Any) -> int:
    if not hasattr(user, _TO_RATE):
        setattr(user, _TO_RATE, queries.my_orders(user).filter(status=OrderStatus.DONE).count())
    return getattr(user, _TO_RATE)


def waiting_for_me(user: Any) -> int:
    if not queries.is_helper(user):
        return 0
    if not hasattr(user, _WAITING):
        count = queries.approved_offers(user).filter(orders__status=OrderStatus.DISPATCHED).count()
        setattr(user, _WAITING, count)
    return getattr(user, _WAITING)


def has_standing_rota(user: Any) -> bool:
    """Whether one of the user's offers is on a standing order's rota (asked once a request)."""
    if not hasattr(user, _CACHE):
        found = (
            bool(getattr(user, "is_authenticated", False))
            and Offer.objects.filter(helper=user, rota_slots__isnull=False).exists()
        )
        setattr(user, _CACHE, found)
    return bool(getattr(user, _CACHE))


def is_volunteer(user: Any) -> bool:
    """Whether the user is a registered volunteer (who may propose an offer)."""
    if not hasattr(user, _VOLUNTEER):
        setattr(user, _VOLUNTEER, queries.volunteer_profile(user) is not None)
    return bool(getattr(user, _VOLUNTEER))


TILES = [
    H5Tile("matching_place", "我要点单", "matching_m:place", "heart", order=20, places=("home",)),
    H5Tile(
        "matching_orders", "我的订单", "matching_m:orders", "list", order=21, badge=to_rate,
        places=("home", "me"),
    ),
    H5Tile(
        "matching_helper", "接单", "matching_m:helper", "bell", order=22,
        visible=queries.is_helper, badge=waiting_for_me, places=("home",),
    ),
    H5Tile(
        "standing_tasks", "今日常态化服务", "matching_m:standing_tasks", "clock", order=41,
        visible=has_standing_rota, note=lambda user: "送餐等每日任务",
    ),
    H5Tile(
        "matching_offer", "我能提供", "matching_m:my_offers", "badge", order=23,
        visible=is_volunteer, places=("home", "me"),
    ),
]  # fmt: skip
