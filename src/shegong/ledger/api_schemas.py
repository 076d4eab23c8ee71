"""Output and filter schemas of the records API (the input schemas are in ``schemas.py``,
shared with the Excel import). Personal data leaves masked."""

from datetime import date
from typing import Any

from ninja import Field, Schema

from shegong.core.pii import mask_name, mask_phone

from .schemas import OrganizationOut, PartyOrgIn


class OrganizationFilter(Schema):
    region: str = Field("", description="区划代码：只列该区划（含下级）内的组织")
    kind: str = Field("", description="类型：enterprise、social_org、platform …")
    status: str = Field("", description="状态：active、closed、moved_out")
    coverage: str = Field(
        "", description="覆盖方式：standalone、joint、affiliated、instructor、none"
    )
    has_party_members: str = Field("", description="有在职党员：1 是，0 否")
    q: str = Field("", description="名称或统一社会信用代码包含")


class CoverageOut(Schema):
    mode: str
    mode_label: str
    party_org_id: int | None
    since: date | None
    note: str

    @staticmethod
    def resolve_mode_label(obj: Any) -> str:
        return obj.get_mode_display()


class OrganizationDetail(OrganizationOut):
    former_names: list[str]
    legal_rep_phone: str = Field(description="负责人电话（脱敏）")
    investors: str
    lat: float | None
    lon: float | None
    party_member_count: int | None
    party_contact: str
    container_id: int | None
    coverage: CoverageOut | None

    @staticmethod
    def resolve_legal_rep_phone(obj: Any) -> str:
        return mask_phone(obj.legal_rep_phone)

    @staticmethod
    def resolve_coverage(obj: Any) -> Any:
        return getattr(obj, "coverage", None)


class PersonFilter(Schema):
    region: str = Field("", description="区划代码（含下级）")
    occupation: str = Field("", description="职业，如 delivery_rider")
    political_status: str = Field("", description="政治面貌，如 party_full")
    is_mobile_member: bool | None = Field(None, description="流动党员")
    q: str = Field("", description="姓名包含")
    id_number: str = Field("", description="身份证号（精确查找）")


class PartyOrgCreate(PartyOrgIn):
    secretary_id: int | None = Field(None, description="书记（人员编号，须为党员）")


class PartyOrgOut(Schema):
    id: int
    name: str
    type: str
    type_label: str
    region: str
    parent_id: int | None
    secretary: str | None = Field(description="书记姓名（脱敏）")
    founded_on: date | None
    term_end: date | None
    is_active: bool
    converted_to_id: int | None
    converted_on: date | None

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_type_label(obj: Any) -> str:
        return obj.get_type_display()

    @staticmethod
    def resolve_secretary(obj: Any) -> str | None:
        return mask_name(obj.secretary.name) if obj.secretary_id else None


class PartyOrgDetail(PartyOrgOut):
    members_count: int
    covered_organizations: list[int] = Field(description="覆盖的组织编号")

    @staticmethod
    def resolve_members_count(obj: Any) -> int:
        return obj.memberships.filter(left_on=None).count()

    @staticmethod
    def resolve_covered_organizations(obj: Any) -> list[int]:
        return list(obj.covered.values_list("organization_id", flat=True))


class PartyOrgFilter(Schema):
    region: str = Field("", description="区划代码（含下级）")
    type: str = Field("", description="类型，如 branch、temporary_branch")
    active: bool | None = Field(None, description="只列存续（true）或已撤销/转建（false）的")
    q: str = Field("", description="名称包含")
