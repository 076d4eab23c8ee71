"""Django admin for volunteers and social work (superusers only): read-only.

Every change to volunteers, teams, activities, hours, certificates, trainings and awards goes
through an action so it is audited (approved hours are never edited, only corrected by a new
row; the pages, the API and the command line all call the actions); the admin only lets a
superuser look. Personal data is never shown in plaintext here: a volunteer's or social worker's
name, phone and ID number live on the ledger Person and are shown masked; a guardian's name and
phone, a team's phone, a certificate's signatories and phone and a training's trainer are left
out and shown masked.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from shegong.core.admin import ReadOnlyAdmin
from shegong.core.pii import mask_name, mask_phone

from .models import (
    Activity,
    Award,
    Certificate,
    CertificateRequest,
    GuidanceLog,
    Pairing,
    ServiceRecord,
    Shift,
    Signup,
    Skill,
    SocialWorker,
    Stationing,
    Team,
    TeamMember,
    Training,
    TrainingAttendance,
    Volunteer,
    VolunteerSkill,
)

# A volunteer is shown by its label: the volunteer number and the masked name (Volunteer.__str__).
VOLUNTEER = "volunteer__person"


class _PersonMasked:
    """The masked name, phone and ID number of a profile's ledger Person."""

    @admin.display(description="姓名")
    def name_masked(self, obj: Volunteer | SocialWorker) -> str:
        return obj.person.name_masked

    @admin.display(description="手机号")
    def phone_masked(self, obj: Volunteer | SocialWorker) -> str:
        return obj.person.phone_masked

    @admin.display(description="身份证号")
    def id_masked(self, obj: Volunteer | SocialWorker) -> str:
        return obj.person.id_number_masked


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "needs_certificate", "order", "is_active"]
    list_filter = ["needs_certificate", "is_active"]
    search_fields = ["=code", "name"]


@admin.register(Volunteer)
class VolunteerAdmin(_PersonMasked, ReadOnlyAdmin):
    list_display = [
        "number",
        "name_masked",
        "phone_masked",
        "id_masked",
        "status",
        "region_id",
        "hours",
        "star",
        "created_at",
    ]
    list_filter = ["status", "star"]
    list_select_related = ["person"]
    search_fields = ["=number"]
    # An allow-list: the guardian's name and phone are left out and shown masked.
    fields: ClassVar[tuple[str, ...]] = (
        "number",
        "person",
        "name_masked",
        "phone_masked",
        "id_masked",
        "region",
        "status",
        "skills",
        "availability",
        "consent_version",
        "consent_at",
        "location_consent_version",
        "location_consent_at",
        "guardian_masked",
        "guardian_relation",
        "guardian_consent_at",
        "hours",
        "star",
        "star_reached_at",
        "registered_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="监护人")
    def guardian_masked(self, obj: Volunteer) -> str:
        parts = (mask_name(obj.guardian_name), mask_phone(obj.guardian_phone))
        return " ".join(p for p in parts if p) or "—"


@admin.register(VolunteerSkill)
class VolunteerSkillAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "skill", "certificate_name"]
    list_filter = ["skill"]
    list_select_related = [VOLUNTEER, "skill"]
    search_fields = ["=volunteer__number", "=certificate_number"]
    ordering = ["volunteer_id", "skill__order"]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "kind",
        "region_id",
        "organization",
        "incubation",
        "is_active",
        "phone_masked",
    ]
    list_filter = ["kind", "incubation", "is_active"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    fields: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "region",
        "organization",
        "parent",
        "description",
        "phone_masked",
        "incubation",
        "incubation_started_on",
        "incubated_on",
        "is_active",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="联系电话")
    def phone_masked(self, obj: Team) -> str:
        return mask_phone(obj.phone)


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["team", "volunteer", "role", "joined_on", "left_on"]
    list_filter = ["role"]
    list_select_related = ["team", VOLUNTEER]
    search_fields = ["=volunteer__number", "=team__id"]


@admin.register(SocialWorker)
class SocialWorkerAdmin(_PersonMasked, ReadOnlyAdmin):
    list_display = [
        "id",
        "name_masked",
        "phone_masked",
        "id_masked",
        "qualification",
        "employer",
        "region_id",
        "created_at",
    ]
    list_filter = ["qualification"]
    list_select_related = ["person", "employer"]
    search_fields = ["=id", "=certificate_number"]
    fields: ClassVar[tuple[str, ...]] = (
        "person",
        "name_masked",
        "phone_masked",
        "id_masked",
        "qualification",
        "certificate_number",
        "employer",
        "region",
        "created_at",
    )
    readonly_fields = fields


@admin.register(Stationing)
class StationingAdmin(ReadOnlyAdmin):
    list_display = ["social_worker_id", "region", "starts_on", "ends_on"]
    list_select_related = ["region"]
    search_fields = ["=social_worker__id", "=region__code"]


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ["social_worker_id", "region", "starts_on", "ends_on"]
    list_select_related = ["region"]
    search_fields = ["=social_worker__id", "=region__code"]


@admin.register(GuidanceLog)
class GuidanceLogAdmin(ReadOnlyAdmin):
    list_display = ["on", "pairing_id", "mode", "topic"]
    list_filter = ["mode"]
    list_select_related = False
    search_fields = ["=pairing__id"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "team", "region_id", "starts_at", "ends_at", "status"]
    list_filter = ["status", "category", "risky"]
    list_select_related = ["team"]
    search_fields = ["title", "=id"]
    date_hierarchy = "starts_at"


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["activity", "starts_at", "ends_at", "quota"]
    list_select_related = ["activity"]
    search_fields = ["=activity__id"]


@admin.register(Signup)
class SignupAdmin(ReadOnlyAdmin):
    list_display = ["shift", "volunteer", "status", "created_at", "promoted_at", "cancelled_at"]
    list_filter = ["status"]
    list_select_related = ["shift", VOLUNTEER]
    search_fields = ["=volunteer__number", "=shift__activity__id"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "served_on",
        "volunteer",
        "team",
        "kind",
        "status",
        "hours",
        "auto_closed",
    ]
    list_filter = ["kind", "status", "auto_closed", "evaluation"]
    list_select_related = [VOLUNTEER, "team"]
    search_fields = ["=id", "=volunteer__number"]
    date_hierarchy = "served_on"
    show_full_result_count = False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = [
        "serial",
        "volunteer",
        "team",
        "period_start",
        "period_end",
        "hours",
        "issued_at",
        "revoked_at",
    ]
    list_select_related = [VOLUNTEER, "team"]
    search_fields = ["=serial", "=volunteer__number"]
    # The signatories' names and the phone are left out and shown masked.
    fields: ClassVar[tuple[str, ...]] = (
        "serial",
        "volunteer",
        "team",
        "period_start",
        "period_end",
        "hours",
        "records",
        "issuer_name",
        "issuer_signatories",
        "issuer_phone_masked",
        "note",
        "issued_by",
        "issued_at",
        "revoked_at",
        "revoked_reason",
    )
    readonly_fields = fields

    @admin.display(description="单位负责人/经办人")
    def issuer_signatories(self, obj: Certificate) -> str:
        names = (mask_name(obj.issuer_head), mask_name(obj.issuer_handler))
        return " / ".join(n or "—" for n in names)

    @admin.display(description="联系电话")
    def issuer_phone_masked(self, obj: Certificate) -> str:
        return mask_phone(obj.issuer_phone)


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "team", "period_start", "period_end", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = [VOLUNTEER, "team"]
    search_fields = ["=volunteer__number"]


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "title", "team", "region_id", "hours", "trainer_masked"]
    list_select_related = ["team"]
    search_fields = ["title"]
    # The trainer may be a person's name: left out and shown masked.
    fields: ClassVar[tuple[str, ...]] = (
        "title",
        "team",
        "region",
        "held_on",
        "hours",
        "trainer_masked",
        "content",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="授课人/单位")
    def trainer_masked(self, obj: Training) -> str:
        return mask_name(obj.trainer)


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["training", "volunteer", "created_at"]
    list_select_related = ["training", VOLUNTEER]
    search_fields = ["=volunteer__number", "=training__id"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["awarded_on", "title", "level", "volunteer", "awarded_by", "revoked_at"]
    list_filter = ["level"]
    list_select_related = [VOLUNTEER]
    search_fields = ["=volunteer__number", "title"]
