"""Django admin for the platform tables: all read-only, for superusers only.

The audit log can be neither added to, changed nor deleted here (it is append-only in the ORM
and in the database too), and only the audit administrator (三员, ``perms.reads_full_audit``)
reads it here: a superuser is no exception, as on the workbench's audit pages. Heartbeats, scan
states, jobs, notifications and deliveries are written by the worker and by actions; the admin
only lets a superuser look.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from .models import AuditEvent, Delivery, JobRun, Notification, ScanState, WorkerHeartbeat
from .perms import reads_full_audit
from .pii import mask_phone


class SuperuserOnlyMixin:
    """The admin is for superusers (issue 2 §5): staff flags alone do not open it to a model."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser


class ReadOnlyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """No add, change or delete: every field is shown read-only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The whole trail, every region and verb: for the audit administrator only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and reads_full_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    list_display = [
        "at",
        "actor_label",
        "verb_label",
        "target_label",
        "region_id",
        "ip",
        "via",
        "success",
    ]
    list_filter = ["verb", "success", "via"]
    search_fields = ["actor_label", "target_label", "target_id", "=region__code"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False  # COUNT(*) over a large log on every page is not free
    # A tuple of names, so the one value types as both ``fields`` (names or groups of names)
    # and ``readonly_fields`` (names); a list would be invariant and fit only one of them.
    fields: ClassVar[tuple[str, ...]] = (
        "at",
        "actor_label",
        "actor",
        "verb",
        "target_type",
        "target_id",
        "target_label",
        "region",
        "ip",
        "via",
        "success",
        "data_pretty",
    )
    readonly_fields = fields

    @admin.display(description="操作")
    def verb_label(self, obj: AuditEvent) -> str:
        return obj.verb_label

    @admin.display(description="详情")
    def data_pretty(self, obj: AuditEvent) -> str:
        text = json.dumps(obj.data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        return format_html("<pre>{}</pre>", text)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "pid", "host", "started_at", "beat_at", "tasks_done", "stale"]

    @admin.display(description="心跳超时", boolean=True)
    def stale(self, obj: WorkerHeartbeat) -> bool:
        return obj.is_stale


@admin.register(ScanState)
class ScanStateAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "next_run_at",
        "last_started_at",
        "last_finished_at",
        "runs",
        "last_error",
    ]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "progress", "total", "created_at", "finished_at"]
    list_filter = ["status", "kind"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event"]
    list_select_related = ["recipient"]
    search_fields = ["title", "event"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "title", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["channel", "status"]
    # The address may be a mobile number: shown masked, never in plaintext.
    fields: ClassVar[tuple[str, ...]] = (
        "channel",
        "notification",
        "address_masked",
        "title",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "digest_of",
        "last_error",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="地址")
    def address_masked(self, obj: Delivery) -> str:
        return mask_phone(obj.address) if obj.address.isdigit() else obj.address
