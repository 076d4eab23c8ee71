"""Django admin for the region tree: search and correct names or centroids; no add or delete.

New regions come through the regions page or an import (``actions.create_region`` /
``import_regions``), which check the code rules and write the audit row; a region is never
deleted because scoped rows everywhere carry its code. A change made here is audited too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shegong.core import audit
from shegong.core.admin import SuperuserOnlyMixin
from shegong.core.audit import Verb

from .models import Region


@admin.register(Region)
class RegionAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    fields = ["code", "name", "level", "parent", "centroid_lat", "centroid_lon", "boundary"]
    readonly_fields = ["code", "level", "parent"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            Verb.REGION_UPDATED,
            actor=request.user,
            target=obj,
            region=obj.code,
            data={"fields": sorted(form.changed_data), "via": "admin"},
        )
