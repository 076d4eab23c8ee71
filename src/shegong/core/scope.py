"""The one region-scope helper behind every list, detail, count, export and API call.

A region's code prefix names its whole subtree, so "everything in this street" is an indexed
range on the code column: ``code >= P AND code < P || ':'`` (':' sorts right after '9'). Rows
that belong to a region store the region's code in their ``region_id`` column (a foreign key to
``Region.code``), so the filter needs no join.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import connections, models

# Filtering keeps the queryset's own type (its model, and visible_to on a ScopedQuerySet).
_QS = TypeVar("_QS", bound=models.QuerySet)


def subtree_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + ":"


# A district's code prefix (6 digits): a scope this wide or wider covers about every row of a
# deployment, so its range is no filter worth an index (see in_subtree).
WIDE_PREFIX = 6


class _Unindexed(models.Func):
    """``+column``: the same value (SQLite's unary plus changes nothing), which SQLite will not
    look up through an index."""

    template = "+%(expressions)s"
    output_field = models.CharField()


def in_subtree(qs: _QS, prefix: str, field: str = "region") -> _QS:
    low, high = subtree_range(prefix)
    column = f"{field}_id"
    if len(prefix) <= WIDE_PREFIX and connections[qs.db].vendor == "sqlite":
        # SQLite (built without STAT4) takes a range on an indexed column as selective and
        # drives the whole query from it, even when it spans the whole district: a worklist
        # of 10 rows among 100,000 then reads all 100,000. Comparing ``+column`` leaves it to
        # the query's own conditions (a partial index, an ordering index) to drive. PostgreSQL
        # knows the range's share from its statistics and needs no such help.
        name = f"_scope_{field}"
        return qs.alias(**{name: _Unindexed(models.F(column))}).filter(
            **{f"{name}__gte": low, f"{name}__lt": high}
        )
    return qs.filter(**{f"{column}__gte": low, f"{column}__lt": high})


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
