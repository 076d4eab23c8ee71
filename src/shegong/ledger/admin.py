"""Django admin for the ledger (superusers only): read-only.

Every change to the ledger goes through an action so it is audited (the pages, the API, the
Excel import and the command line all call them); the admin only lets a superuser look. ID
numbers are never shown in plaintext here: the encrypted field and its blind index are left out
and the masked number is shown instead (revealing is a separate, audited step on the person page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from shegong.core.admin import ReadOnlyAdmin
from shegong.core.pii import mask_phone

from .models import (
    Coverage,
    Employment,
    GuidanceVisit,
    InstructorAssignment,
    Organization,
    PartyMembership,
    PartyOrganization,
    Person,
    ReviewCampaign,
    ReviewTask,
)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "credit_code", "region_id", "status", "employee_count"]
    list_filter = ["kind", "status", "is_platform"]
    search_fields = ["name", "=credit_code"]
    exclude = ["legal_rep_phone"]
    readonly_fields = ["phone_masked"]
    list_select_related = False

    @admin.display(description="负责人电话")
    def phone_masked(self, obj: Organization) -> str:
        return mask_phone(obj.legal_rep_phone)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name_masked", "id_masked", "phone_masked", "political_status", "region_id"]
    list_filter = ["political_status", "occupation", "is_mobile_member"]
    search_fields = ["=id"]
    exclude = ["id_number", "id_number_index", "name", "phone"]
    readonly_fields = ["name_masked", "id_masked", "phone_masked"]

    @admin.display(description="姓名")
    def name_masked(self, obj: Person) -> str:
        return obj.name_masked

    @admin.display(description="身份证号")
    def id_masked(self, obj: Person) -> str:
        return obj.id_number_masked

    @admin.display(description="手机号")
    def phone_masked(self, obj: Person) -> str:
        return obj.phone_masked


class _RowAdmin(ReadOnlyAdmin):
    """The link tables: raw ids instead of a select over every person or organization."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


@admin.register(Employment)
class EmploymentAdmin(_RowAdmin):
    list_display = ["id", "person", "organization", "position", "is_manager", "ended_on"]
    list_filter = ["is_manager"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "region_id", "is_active", "term_end"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]


@admin.register(PartyMembership)
class PartyMembershipAdmin(_RowAdmin):
    list_display = ["id", "party_org", "person", "role", "joined_on", "left_on"]
    list_filter = ["role"]


@admin.register(Coverage)
class CoverageAdmin(_RowAdmin):
    list_display = ["organization", "mode", "party_org", "region_id"]
    list_filter = ["mode"]


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(_RowAdmin):
    list_display = ["instructor", "organization", "started_on", "ended_on"]


@admin.register(GuidanceVisit)
class GuidanceVisitAdmin(_RowAdmin):
    list_display = ["visited_on", "organization", "instructor", "topic", "round"]


@admin.register(ReviewCampaign)
class ReviewCampaignAdmin(_RowAdmin):
    list_display = ["name", "region_id", "due_on", "status"]
    list_filter = ["status"]


@admin.register(ReviewTask)
class ReviewTaskAdmin(_RowAdmin):
    list_display = ["campaign", "organization", "assignee", "due_on", "outcome"]
    list_filter = ["outcome"]
