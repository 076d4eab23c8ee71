"""Reads of the credit lists, always scoped to the reader (``core.scope``). The worklists count
with ``filtered(...)`` itself, so a figure always equals its list's total."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region

from . import credit_rules as rules
from .models import CreditListing, ListKind, Rectification, SocialOrg

NOT_FOUND = "未找到该信用名录记录，或您无权查看"
RECENT_DAYS = 7


def listings(user: Any) -> QuerySet[CreditListing]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return CreditListing.objects.visible_to(user).select_related(
        "social_org__organization__region", "rectification"
    )


def state_q(state: str, today: date) -> Q:
    if state == "open":
        return Q(removed_on__isnull=True)
    if state == "removed":
        return Q(removed_on__isnull=False)
    if state == "recent":
        return Q(removed_on__isnull=True, listed_on__gt=today - timedelta(days=RECENT_DAYS))
    if state == "due":
        return rules.removal_due(today)
    if state == "eligible":
        return rules.leave_eligible(today)
    if state == "applied":
        return Q(kind=ListKind.SERIOUS, removed_on__isnull=True, leave_applied_at__isnull=False)
    return Q()


def filtered(
    user: Any,
    *,
    kind: str = "",
    state: str = "",
    rule: str = "",
    region: str = "",
    q: str = "",
    sort: str = "",
    today: date | None = None,
) -> QuerySet[CreditListing]:
    qs = listings(user).filter(state_q(state, today or timezone.localdate()))
    if kind:
        qs = qs.filter(kind=kind)
    if rule:
        qs = qs.filter(rule=rule)
    if region:
        found = Region.objects.filter(code=region).first()
        qs = qs.in_region(found.prefix) if found is not None else qs.none()
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(social_org__organization__name__icontains=text)
            | Q(social_org__organization__credit_code=text.upper())
        )
    if sort == "oldest":
        return qs.order_by("listed_on", "pk")
    return qs.order_by("-listed_on", "-pk")


def access_listing(user: Any, pk: int) -> CreditListing:
    found = listings(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def access_rectification(user: Any, pk: int) -> Rectification:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    found = (
        Rectification.objects.visible_to(user)
        .select_related("social_org__organization")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("未找到该整改记录，或您无权查看")
    return found


def public_lookup(text: str) -> list[SocialOrg]:
    """Organizations whose name contains ``text`` or whose credit code is ``text`` (at most 20),
    with their OPEN listings only (``open_listings``)."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    found = list(
        SocialOrg.objects.filter(
            Q(organization__name__icontains=text) | Q(organization__credit_code=text.upper())
        )
        .select_related("organization")
        .order_by("organization__name")[:20]
    )
    open_by_org: dict[int, list[CreditListing]] = {}
    for listing in CreditListing.objects.filter(
        social_org__in=found, removed_on__isnull=True
    ).order_by("listed_on"):
        open_by_org.setdefault(listing.social_org_id, []).append(listing)
    for so in found:
        so.open_listings = open_by_org.get(so.pk, [])  # type: ignore[attr-defined]
    return found
