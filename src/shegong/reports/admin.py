"""Django admin for snap-and-report (superusers only): read-only.

Every change to a case goes through an action so it is audited and lands on the case's timeline
(the pages, the API, Open311, the scans and the command line all call them); the admin only lets
a superuser look. A caller's name and phone are never shown in plaintext here: those fields are
left out and the masked reporter label is shown instead. Photos are not rendered (only counted).
What the reporter typed (the description, the address of the problem, the answers, the rating
comment) stays off the lists and is shown read-only on the case page only, as the staff case page
shows it; the Open311 key hash is left out.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shegong.core.admin import ReadOnlyAdmin

from .models import (
    ApiKey,
    Appointment,
    Assignment,
    Category,
    Follower,
    Report,
    ReportEvent,
    ResponseTemplate,
    RoutingRule,
)


class _CaseNumberSearch:
    """The search box takes a case number as people quote it, zero-padded ("00000042") or not:
    an exact match on the case's id; anything else finds nothing (no LIKE over what was typed)."""

    case_field = "id"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit() and len(term) <= 12:
            return queryset.filter(**{self.case_field: int(term)}), False
        return queryset.none(), False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = [
        "service_code",
        "name",
        "group",
        "response_hours",
        "resolution_limit_label",
        "urgent",
        "staff_only",
        "is_active",
        "order",
    ]
    list_filter = ["group", "urgent", "staff_only", "is_active"]
    search_fields = ["=service_code", "name"]

    @admin.display(description="办理时限")
    def resolution_limit_label(self, obj: Category) -> str:
        return obj.resolution_limit_label


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "status", "auto"]
    list_filter = ["status", "auto", "category"]
    list_select_related = ["category"]
    search_fields = ["title"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyAdmin):
    list_display = ["category", "region", "department"]
    list_filter = ["category", "department"]
    list_select_related = ["category", "region", "department"]
    search_fields = ["=region__code", "=department__code"]
    ordering = ["category__order", "category__service_code", "region__code"]


@admin.register(Report)
class ReportAdmin(_CaseNumberSearch, ReadOnlyAdmin):
    list_display = [
        "number",
        "category",
        "status",
        "channel",
        "region_id",
        "lead_department",
        "submitted_at",
        "escalation_level",
        "reporter_masked",
        "hidden",
    ]
    list_filter = ["status", "channel", "category", "escalation_level", "anonymous", "hidden"]
    list_select_related = ["category", "lead_department", "reporter"]
    search_fields = ["=id"]  # the case number (_CaseNumberSearch)
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    # An allow-list: caller_name, caller_phone, photos and result_photos are left out.
    fields: ClassVar[tuple[str, ...]] = (
        "number",
        "category",
        "status",
        "reject_reason",
        "merged_into",
        "channel",
        "region",
        "lat",
        "lon",
        "reporter_masked",
        "entered_by",
        "anonymous",
        "lead_department",
        "description",
        "address",
        "attributes",
        "photo_count",
        "submitted_at",
        "transferred_at",
        "response_due_at",
        "responded_at",
        "resolution_due_at",
        "resolved_at",
        "closed_at",
        "updated_at",
        "escalation_level",
        "was_response_overdue",
        "was_resolution_overdue",
        "result",
        "result_photo_count",
        "reopen_count",
        "rating",
        "rating_comment",
        "rated_at",
        "hidden",
        "hidden_reason",
    )
    readonly_fields = fields

    @admin.display(description="工单编号", ordering="id")
    def number(self, obj: Report) -> str:
        return obj.number

    @admin.display(description="上报人")
    def reporter_masked(self, obj: Report) -> str:
        return obj.reporter_label  # masked name and phone, or 匿名

    @admin.display(description="照片数")
    def photo_count(self, obj: Report) -> int:
        return len(obj.photos or [])

    @admin.display(description="办理后照片数")
    def result_photo_count(self, obj: Report) -> int:
        return len(obj.result_photos or [])


@admin.register(Assignment)
class AssignmentAdmin(_CaseNumberSearch, ReadOnlyAdmin):
    case_field = "report_id"
    list_display = ["report_number", "department", "role", "assigned_at", "active"]
    list_filter = ["role", "active", "department"]
    list_select_related = ["department"]
    search_fields = ["=report__id"]  # the case number (_CaseNumberSearch)
    ordering = ["-assigned_at", "-id"]

    @admin.display(description="工单编号", ordering="report_id")
    def report_number(self, obj: Assignment) -> str:
        return f"{obj.report_id:08d}"


@admin.register(ReportEvent)
class ReportEventAdmin(_CaseNumberSearch, ReadOnlyAdmin):
    case_field = "report_id"
    list_display = [
        "at",
        "report_number",
        "kind",
        "from_status",
        "to_status",
        "actor_label",
        "department",
        "public",
    ]
    list_filter = ["kind", "public"]
    list_select_related = ["department"]
    search_fields = ["=report__id"]  # the case number (_CaseNumberSearch)
    date_hierarchy = "at"
    show_full_result_count = False
    # The note is shown on the staff case page too; the photos are only counted.
    fields: ClassVar[tuple[str, ...]] = (
        "report",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "actor_label",
        "department",
        "at",
        "note",
        "photo_count",
        "public",
        "data",
    )
    readonly_fields = fields

    @admin.display(description="工单编号", ordering="report_id")
    def report_number(self, obj: ReportEvent) -> str:
        return f"{obj.report_id:08d}"

    @admin.display(description="照片数")
    def photo_count(self, obj: ReportEvent) -> int:
        return len(obj.photos or [])


@admin.register(Follower)
class FollowerAdmin(_CaseNumberSearch, ReadOnlyAdmin):
    case_field = "report_id"
    list_display = ["report_number", "user", "since"]
    list_select_related = ["user"]
    search_fields = ["=report__id"]  # the case number (_CaseNumberSearch)
    ordering = ["-since", "-id"]

    @admin.display(description="工单编号", ordering="report_id")
    def report_number(self, obj: Follower) -> str:
        return f"{obj.report_id:08d}"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "appointed_by", "appointed_on", "region", "active", "ended_on"]
    list_filter = ["kind", "active"]
    list_select_related = ["user", "region"]
    search_fields = ["=region__code"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    search_fields = ["=prefix"]
    exclude = ["key_hash"]
