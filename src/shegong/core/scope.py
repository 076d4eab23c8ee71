"""The one region-scope helper behind every list, detail, count, export and API call.

A region's code prefix names its whole subtree, so "everything in this street" is an indexed
range on the code column: ``code >= P AND code < P || ':'`` (':' sorts right after '9'). Rows
that belong to a region store the region's code in their ``region_id`` column (a foreign key to
``Region.code``), so the filter needs no join.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models

# Filtering keeps the queryset's own type (its model, and visible_to on a ScopedQuerySet).
_QS = TypeVar("_QS", bound=models.QuerySet)


def subtree_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + ":"


def in_subtree(qs: _QS, prefix: str, field: str = "region") -> _QS:
    low, high = subtree_range(prefix)
    return qs.filter(**{f"{field}_id__gte": low, f"{field}_id__lt": high})


def scope_prefix(user: Any) -> str | None:
    """The caller's scope prefix: "" for everything, None for nothing.

    A superuser sees everything. Anyone else sees the subtree of their active membership's
    region (chosen with the scope switcher); a user without a membership sees nothing.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    membership = user.active_membership
    if membership is None:
        return None
    return membership.region.prefix


def scope_queryset(qs: _QS, user: Any, field: str = "region") -> _QS:
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return in_subtree(qs, prefix, field)


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``visible_to(user)``; models set ``scope_field`` if not ``region``."""

    def visible_to(self, user: Any) -> Self:
        return scope_queryset(self, user, getattr(self.model, "scope_field", "region"))

    def in_region(self, prefix: str) -> Self:
        return in_subtree(self, prefix, getattr(self.model, "scope_field", "region"))
