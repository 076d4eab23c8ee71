"""The read side of matching: who may see which order, the engine's input, the settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.matching import engine
from shegong.matching.choices import AssignmentOutcome, OfferStatus
from shegong.matching.models import Assignment, CommunitySettings, Offer, Order

DEFAULT_ACCEPT_MINUTES = 120  # settings.SHEGONG_MATCHING_ACCEPT_MINUTES (the environment) overrides


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.MATCHING_VIEW
    )


def may_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.MATCHING_MANAGE
    )


def orders_for_staff(user: Any) -> QuerySet[Order]:
    """The orders of the communities in the user's scope (none without the permission)."""
    if not is_staff(user):
        return Order.objects.none()
    return Order.objects.visible_to(user)


def own_orders(user: Any) -> QuerySet[Order]:
    """The orders a resident placed or is served by."""
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return Order.objects.filter(Q(requester=user) | Q(beneficiary_user=user))


def helper_offers(user: Any) -> QuerySet[Offer]:
    """The offers whose orders this account receives."""
    if not getattr(user, "is_authenticated", False):
        return Offer.objects.none()
    return Offer.objects.filter(helper=user)


def orders_for_helper(user: Any) -> QuerySet[Order]:
    """Orders offered to or held by one of the helper's offers."""
    return (
        Order.objects.filter(offer__helper=user) if user.is_authenticated else Order.objects.none()
    )


def access_order(user: Any, pk: Any, *, for_write: bool = False) -> Order:
    """The order if the user may see it (staff in scope; the requester, beneficiary or current
    helper for reading), else NotFound — missing and not yours look the same."""
    if not str(pk).isdigit():
        raise NotFound("未找到该服务订单")
    order = (
        Order.objects.select_related("category", "item", "offer", "region").filter(pk=pk).first()
    )
    if order is None:
        raise NotFound("未找到该服务订单")
    if orders_for_staff(user).filter(pk=order.pk).exists():
        if for_write and not may_manage(user):
            raise NotFound("未找到该服务订单")
        return order
    if not for_write and (
        user.is_authenticated
        and (
            order.requester_id == user.pk
            or order.beneficiary_user_id == user.pk
            or (order.offer is not None and order.offer.helper_id == user.pk)
        )
    ):
        return order
    raise NotFound("未找到该服务订单")


def settings_of(region_id: str) -> CommunitySettings:
    """The community's settings, or the defaults (unsaved) when it has none."""
    found = CommunitySettings.objects.filter(region_id=region_id).first()
    return found or CommunitySettings(region_id=region_id)


def accept_minutes(region_id: str) -> int:
    from django.conf import settings

    own = settings_of(region_id).accept_minutes
    return own or int(getattr(settings, "SHEGONG_MATCHING_ACCEPT_MINUTES", DEFAULT_ACCEPT_MINUTES))


def weights_of(community: CommunitySettings) -> dict[str, float]:
    return {name: float(getattr(community, f"weight_{name}")) for name in engine.FACTORS}


def excluded_offers(order: Order) -> frozenset[int]:
    """Offers never to be offered this order again: they declined, let it expire, or were
    withdrawn from it."""
    return frozenset(
        Assignment.objects.filter(order=order)
        .exclude(outcome__in=[AssignmentOutcome.PENDING, AssignmentOutcome.ACCEPTED])
        .values_list("offer_id", flat=True)
    )


def request_of(order: Order, *, today: date | None = None) -> engine.Request:
    skills = frozenset(order.category.skills.values_list("pk", flat=True))
    return engine.Request(
        window_start=timezone.localtime(order.window_start),
        window_end=timezone.localtime(order.window_end),
        risky=order.risky, skills=skills, lat=order.lat, lon=order.lon,
        today=today or timezone.localdate(), excluded=excluded_offers(order),
    )  # fmt: skip


CANDIDATE_FIELDS = (
    "id", "availability", "lat", "lon", "radius_m", "load", "capacity_per_week", "rating_sum",
    "rating_count", "last_assigned_at", "risky_ok", "insured_until", "provider_name", "title",
)  # fmt: skip


def candidate_rows(category_id: int, region_id: str) -> QuerySet[Offer]:
    """The approved offers of a category in a community (the partial index offer_candidates).
    Unordered: the engine ranks them, and the model's default ordering would join the category
    and the region and sort (``shegong bench match`` checks the plan)."""
    return (
        Offer.objects.filter(
            category_id=category_id, region_id=region_id, status=OfferStatus.APPROVED
        )
        .only(*CANDIDATE_FIELDS)
        .order_by()
    )


def as_candidates(offers: Any) -> list[engine.Candidate]:
    rows = list(offers)
    skills: dict[int, set[int]] = {}
    if rows:
        through = Offer.skills.through.objects.filter(offer_id__in=[o.pk for o in rows])
        for offer_id, skill_id in through.values_list("offer_id", "skill_id"):
            skills.setdefault(offer_id, set()).add(skill_id)
    return [
        engine.Candidate(
            offer_id=o.pk, skills=frozenset(skills.get(o.pk, ())), availability=o.availability,
            lat=o.lat, lon=o.lon, radius_m=o.radius_m, load=o.load, capacity=o.capacity_per_week,
            rating_sum=o.rating_sum, rating_count=o.rating_count,
            last_assigned_at=(
                timezone.localtime(o.last_assigned_at) if o.last_assigned_at else None
            ),
            insured=o.risky_ok, insured_until=o.insured_until,
            label=f"{o.provider_name}：{o.title}",
        )
        for o in rows
    ]  # fmt: skip


def shortlist(order: Order, *, k: int = 10) -> list[engine.Match]:
    """The engine's explained top ``k`` for the order (what the dispatcher sees)."""
    community = settings_of(order.region_id)
    candidates = as_candidates(candidate_rows(order.category_id, order.region_id))
    return engine.rank(request_of(order), candidates, weights=weights_of(community), k=k)


def refusal_for(order: Order, offer: Offer) -> str:
    """Why this offer may not take this order ("" when it may): the engine's hard rules plus
    the list's own (same category and community)."""
    if offer.category_id != order.category_id:
        return "该供给不属于本单的服务类别"
    if offer.region_id != order.region_id:
        return "该供给不在本社区"
    request = request_of(order)
    candidate = as_candidates([offer])[0]
    candidate = engine.Candidate(
        **{**candidate.__dict__, "approved": offer.status == OfferStatus.APPROVED}
    )
    return engine.refusal(
        request, candidate, engine.window_hours(request.window_start, request.window_end)
    )
