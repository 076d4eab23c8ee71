"""The workbench card of regions: how many streets, communities and grids the scope holds."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from shegong.core.registry import Card

from .choices import Level
from .models import Region


def _below(level: str, other: Level) -> bool:
    """Whether ``other`` is a level strictly below ``level`` in the tree."""
    order = list(Level)
    return order.index(other) > order.index(Level(level))


def region_counts(user: Any) -> dict[str, Any] | None:
    """Streets, communities and grids in the scope (only the levels below the user's own)."""
    if not user.is_workbench_user:
        return None
    membership = user.active_membership
    counts = dict(
        Region.objects.visible_to(user)
        .values_list("level")
        .annotate(n=Count("code"))
        .values_list("level", "n")
    )
    rows = [
        (level.label, counts.get(level.value, 0))
        for level in (Level.STREET, Level.COMMUNITY, Level.GRID)
        if not membership or _below(membership.region.level, level)
    ]
    if not rows:
        return None
    return {"counts": rows, "url": reverse("regions:list")}


CARDS = [Card("regions", "regions/cards/counts.html", region_counts, order=10)]
