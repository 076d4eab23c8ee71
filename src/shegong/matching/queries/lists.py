"""The read side of the two lists: scoped, filtered, with counts per category."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.matching.choices import OfferStatus
from shegong.matching.models import Need, Offer
from shegong.matching.queries import is_staff
from shegong.regions.models import Region

OLDEST = "oldest"


def communities(user: Any) -> QuerySet[Region]:
    """The communities in the user's scope (the lists' community choices)."""
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def needs_for(user: Any) -> QuerySet[Need]:
    if not is_staff(user):
        return Need.objects.none()
    return Need.objects.visible_to(user)


def offers_for(user: Any) -> QuerySet[Offer]:
    if not is_staff(user):
        return Offer.objects.none()
    return Offer.objects.visible_to(user)


def _in_community(qs: QuerySet, code: Any) -> QuerySet:
    return qs.filter(region_id=code) if code else qs


def filter_needs(user: Any, filters: dict[str, Any]) -> QuerySet[Need]:
    """The needs list as filtered: community, category, status, urgency, search."""
    qs = _in_community(needs_for(user), filters.get("community"))
    for key in ("category", "status", "urgency"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(description__icontains=text) | Q(note__icontains=text))
    return qs


def filter_offers(user: Any, filters: dict[str, Any]) -> QuerySet[Offer]:
    """The supply list as filtered: community, category, provider kind, status, cost, risky,
    search; ``sort=oldest`` puts the longest-waiting first (the review to-do)."""
    qs = _in_community(offers_for(user), filters.get("community"))
    for key in ("category", "provider_kind", "status", "cost"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    risky = filters.get("risky")
    if risky in ("yes", "no"):
        qs = qs.filter(risky_ok=risky == "yes")
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(provider_name__icontains=text)
            | Q(description__icontains=text)
        )  # fmt: skip
    if filters.get("sort") == OLDEST:
        qs = qs.order_by("created_at", "id")
    return qs


def per_category(qs: QuerySet) -> list[dict[str, Any]]:
    """How many entries of the (filtered) list fall in each category."""
    return list(
        qs.order_by()
        .values("category__name", "category__order", "category_id")
        .annotate(n=Count("id"))
        .order_by("category__order", "category_id")
    )


def awaiting_review(user: Any) -> QuerySet[Offer]:
    """Offers waiting for the community's review, oldest first (the to-do)."""
    return filter_offers(user, {"status": OfferStatus.NEW, "sort": OLDEST})


def access_need(user: Any, pk: Any) -> Need:
    require_perm(user, Perm.MATCHING_VIEW)
    found = needs_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("未找到该需求")
    return found


def access_offer(user: Any, pk: Any) -> Offer:
    require_perm(user, Perm.MATCHING_VIEW)
    found = offers_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("未找到该供给")
    return found
