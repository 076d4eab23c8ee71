"""The administrative tree (统计用区划代码) and grids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from shegong.core.scope import scope_prefix, subtree_range

from .choices import PREFIX_LENGTH, Level


class RegionQuerySet(models.QuerySet):
    def subtree(self, prefix: str) -> RegionQuerySet:
        low, high = subtree_range(prefix)
        return self.filter(code__gte=low, code__lt=high)

    def visible_to(self, user: Any) -> RegionQuerySet:
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.subtree(prefix) if prefix else self


class Region(models.Model):
    """A node of the tree: province … community (12-digit codes) or grid (15 digits).

    The primary key is the code itself, so rows elsewhere that point at a region carry its code
    and can be scoped with a range on their own column.
    """

    code = models.CharField("区划代码", max_length=15, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级",
    )
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True)
    centroid_lon = models.FloatField("中心经度", null=True, blank=True)
    boundary = models.JSONField("边界 (GeoJSON)", null=True, blank=True)
    # Bounding box of the boundary, kept in step on save: an indexed pre-filter for locate().
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)

    objects = RegionQuerySet.as_manager()
    scope_field = "code"

    class Meta:
        verbose_name = "区划"
        verbose_name_plural = "区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "min_lat", "min_lon"])]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[Level(self.level)]]

    def contains_code(self, code: str) -> bool:
        return code.startswith(self.prefix)

    @property
    def path(self) -> list[Region]:
        """Ancestors from the top of the deployment down to this region (one query)."""
        codes = ancestor_codes(self.code)
        by_code = Region.objects.in_bulk(codes)
        return [by_code[c] for c in codes if c in by_code]

    @property
    def full_name(self) -> str:
        return join_names(r.name for r in self.path)

    def save(self, *args: Any, **kwargs: Any) -> None:
        from shegong.core import geo

        box = geo.bbox(self.boundary) if self.boundary else None
        self.min_lat, self.max_lat, self.min_lon, self.max_lon = box or (None,) * 4
        super().save(*args, **kwargs)


def join_names(names: Iterable[str]) -> str:
    """The names of a path joined into one full name, each said once: a grid named after its
    community ("文峰社区第一网格" under "文峰社区") replaces its parent's name instead of
    repeating it ("文峰社区文峰社区第一网格")."""
    parts: list[str] = []
    for name in names:
        if parts and name.startswith(parts[-1]):
            parts[-1] = name
        else:
            parts.append(name)
    return "".join(parts)


def ancestor_codes(code: str) -> list[str]:
    """Codes of every level from the province down to and including ``code``."""
    result: list[str] = []
    for level, length in PREFIX_LENGTH.items():
        if length > len(code):
            break
        candidate = code[:length].ljust(15 if level == Level.GRID else 12, "0")
        if candidate not in result:
            result.append(candidate)
        if candidate == code:
            break
    return result
