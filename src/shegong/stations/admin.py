"""Django admin for the station network (superusers only): read-only.

Every change to stations, workers, visits and care goes through an action so it is audited (the
pages, the API, the QR check-in and the command line all call them); the admin only lets a
superuser look. Personal data is never shown in plaintext here: a worker's name, phone and ID
number live on the ledger Person and are shown masked; a station's contact name and phone are
left out and shown masked; a role model's person is shown by the Person's masked label. Photos
are not rendered (only counted).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from shegong.core.admin import ReadOnlyAdmin
from shegong.core.pii import mask_name, mask_phone

from .models import (
    CampaignStock,
    CareCampaign,
    Distribution,
    Enrollment,
    Facility,
    Inspection,
    InsuranceBatch,
    RoleModel,
    Station,
    VanguardPost,
    Visit,
    VisitTally,
    Worker,
)


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["=code", "name"]


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "status", "region_id", "operator", "seats", "contact_masked"]
    list_filter = ["kind", "status", "facilities"]
    list_select_related = ["operator"]
    search_fields = ["name"]
    # An allow-list: contact_name, contact_phone and photos are left out.
    fields: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "status",
        "operator",
        "address",
        "lat",
        "lon",
        "region",
        "schedule",
        "facilities",
        "seats",
        "contact_masked",
        "photo_count",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="联系人")
    def contact_masked(self, obj: Station) -> str:
        parts = (mask_name(obj.contact_name), mask_phone(obj.contact_phone))
        return " ".join(p for p in parts if p) or "—"

    @admin.display(description="照片数")
    def photo_count(self, obj: Station) -> int:
        return len(obj.photos or [])


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["inspected_on", "station", "inspector", "resolved", "resolved_at"]
    list_filter = ["resolved"]
    list_select_related = ["station", "inspector"]
    search_fields = ["=station__id"]


class _PersonMasked:
    """The masked name, phone and ID number of a profile's ledger Person ("—" once withdrawn)."""

    @admin.display(description="姓名")
    def name_masked(self, obj: Worker) -> str:
        return obj.person.name_masked if obj.person else "—"

    @admin.display(description="手机号")
    def phone_masked(self, obj: Worker) -> str:
        return obj.person.phone_masked if obj.person else "—"

    @admin.display(description="身份证号")
    def id_masked(self, obj: Worker) -> str:
        return obj.person.id_number_masked if obj.person else "—"


@admin.register(Worker)
class WorkerAdmin(_PersonMasked, ReadOnlyAdmin):
    list_display = [
        "id",
        "name_masked",
        "phone_masked",
        "id_masked",
        "kind",
        "platform",
        "region_id",
        "party_member",
        "created_at",
        "withdrawn_at",
    ]
    list_filter = ["kind", "party_member"]
    list_select_related = ["person", "platform"]
    search_fields = ["=id"]
    fields: ClassVar[tuple[str, ...]] = (
        "person",
        "name_masked",
        "phone_masked",
        "id_masked",
        "kind",
        "platform",
        "delivery_site",
        "party_member",
        "region",
        "consent_version",
        "consent_at",
        "registered_by",
        "created_at",
        "withdrawn_at",
    )
    readonly_fields = fields


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["at", "station", "worker_id", "source", "services"]
    list_filter = ["source"]
    list_select_related = ["station"]
    search_fields = ["=station__id", "=worker__id"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(VisitTally)
class VisitTallyAdmin(ReadOnlyAdmin):
    list_display = ["on", "station", "count", "note", "recorded_by"]
    list_select_related = ["station", "recorded_by"]
    search_fields = ["=station__id"]


@admin.register(CareCampaign)
class CareCampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "benefit", "region_id", "starts_on", "ends_on"]
    search_fields = ["name"]
    list_select_related = False


@admin.register(CampaignStock)
class CampaignStockAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "station", "quantity"]
    list_select_related = ["campaign", "station"]
    search_fields = ["=campaign__id", "=station__id"]
    ordering = ["-campaign__starts_on", "station__name"]


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ["given_at", "campaign", "worker_id", "station", "given_by"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "station", "given_by"]
    search_fields = ["=worker__id"]


@admin.register(InsuranceBatch)
class InsuranceBatchAdmin(ReadOnlyAdmin):
    list_display = ["name", "insurer", "policy_number", "starts_on", "ends_on", "region_id"]
    search_fields = ["=policy_number", "name"]
    list_select_related = False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["batch", "worker_id", "enrolled_at"]
    list_filter = ["batch"]
    list_select_related = ["batch"]
    search_fields = ["=worker__id"]
    ordering = ["-enrolled_at", "-id"]


@admin.register(VanguardPost)
class VanguardPostAdmin(ReadOnlyAdmin):
    # The holders (on the change page) are shown by the Person's label: masked name and phone.
    list_display = ["name", "kind", "organization", "region_id", "since", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["organization"]
    search_fields = ["name"]


@admin.register(RoleModel)
class RoleModelAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "person", "region_id", "published"]
    list_filter = ["year", "published"]
    list_select_related = ["person"]
    search_fields = ["title"]
    # The photo is left out (only counted); the person is shown masked (Person.__str__).
    fields: ClassVar[tuple[str, ...]] = (
        "title",
        "year",
        "person",
        "citation",
        "photo_count",
        "region",
        "published",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="照片数")
    def photo_count(self, obj: RoleModel) -> int:
        return len(obj.photo or [])
