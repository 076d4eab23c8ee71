"""The read side of the phone pages: a resident's communities and orders, a helper's three
lists (dispatched to me, the grab pool of my offers, the orders I hold) and the one access rule
of the helper's order page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shegong.core.errors import NotFound
from shegong.matching.choices import HELD_STATUSES, OfferStatus, OrderStatus
from shegong.matching.models import Category, Offer, Order

LIST_LIMIT = 100


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).prefetch_related("items"))


def my_orders(user: Any) -> QuerySet[Order]:
    """The orders a resident placed or is served by, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return (
        Order.objects.filter(Q(requester=user) | Q(beneficiary_user=user))
        .select_related("category", "item")
        .order_by("-created_at", "-id")
    )


def access_own_order(user: Any, pk: Any) -> Order:
    """A resident's own order (placed or served by them), else NotFound."""
    found = my_orders(user).select_related("offer", "region").filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该服务订单")
    return found


def approved_offers(user: Any) -> QuerySet[Offer]:
    if not getattr(user, "is_authenticated", False):
        return Offer.objects.none()
    return Offer.objects.filter(helper=user, status=OfferStatus.APPROVED)


def is_helper(user: Any) -> bool:
    """Whether the account receives orders (an approved offer), asked once per request."""
    cached = getattr(user, "_matching_is_helper", None)
    if cached is None:
        cached = approved_offers(user).exists()
        if getattr(user, "is_authenticated", False):
            user._matching_is_helper = cached
    return bool(cached)


def _offers_filter(user: Any) -> Q:
    """Orders of the category and community of one of the helper's approved offers."""
    pairs = set(approved_offers(user).values_list("category_id", "region_id"))
    if not pairs:
        return Q(pk__in=[])
    match = Q()
    for category_id, region_id in sorted(pairs):
        match |= Q(category_id=category_id, region_id=region_id)
    return match


def _pool_filter(user: Any) -> Q:
    return Q(status=OrderStatus.POOL) & _offers_filter(user)


def helper_lists(user: Any) -> dict[str, list[Order]]:
    """派给我的 (awaiting my answer, soonest deadline first), 抢单池 (of my offers' category and
    community, soonest window first) and 我的服务 (held, then recently finished)."""
    base = Order.objects.select_related("category", "item", "region", "beneficiary")
    mine = base.filter(offer__helper=user)
    return {
        "dispatched": list(
            mine.filter(status=OrderStatus.DISPATCHED).order_by("accept_deadline")[:LIST_LIMIT]
        ),
        "pool": list(base.filter(_pool_filter(user)).order_by("window_start")[:LIST_LIMIT]),
        "held": list(mine.filter(status__in=HELD_STATUSES).order_by("window_start")[:LIST_LIMIT]),
        "finished": list(
            mine.filter(status__in=[OrderStatus.DONE, OrderStatus.RATED]).order_by("-finished_at")[
                :20
            ]
        ),
    }


def access_helper_order(user: Any, pk: Any) -> Order:
    """An order offered to or held by one of the helper's offers, or in the pool of their
    approved offers' category and community; else NotFound."""
    if not str(pk).isdigit() or not getattr(user, "is_authenticated", False):
        raise NotFound("未找到该服务订单")
    found = (
        Order.objects.select_related("category", "item", "region", "offer", "beneficiary")
        .filter(Q(pk=pk) & (Q(offer__helper=user) | _pool_filter(user)))
        .first()
    )
    if found is None:
        raise NotFound("未找到该服务订单")
    return found


def grab_target(user: Any, pk: Any) -> Order:
    """The order a helper taps 抢单 on: one of their offers' category and community, in the
    pool or not (a grab that lost the race is told so, not shown a 404)."""
    if not str(pk).isdigit() or not getattr(user, "is_authenticated", False):
        raise NotFound("未找到该服务订单")
    found = Order.objects.filter(Q(pk=pk) & _offers_filter(user)).first()
    if found is None:
        raise NotFound("未找到该服务订单")
    return found


def address_shown_to_helper(order: Order, user: Any) -> bool:
    """The full address only to the helper holding the order (accepted or serving)."""
    return (
        order.status in HELD_STATUSES
        and order.offer is not None
        and order.offer.helper_id == getattr(user, "pk", None)
    )


def volunteer_profile(user: Any) -> Any:
    """The user's active volunteer profile (None: not a registered volunteer)."""
    from shegong.volunteers.choices import VolunteerStatus
    from shegong.volunteers.models import Volunteer

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Volunteer.objects.filter(person__user=user, status=VolunteerStatus.ACTIVE)
        .select_related("region")
        .first()
    )


def proposed_offers(user: Any) -> QuerySet[Offer]:
    """The offers whose orders come to this account, newest first (any status)."""
    if not getattr(user, "is_authenticated", False):
        return Offer.objects.none()
    return (
        Offer.objects.filter(helper=user)
        .select_related("category", "region")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
