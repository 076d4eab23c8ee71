"""The ledger's contract: the API's input/output and the validation of every Excel row.

Messy real-world input is normalised here (full-width digits, spaces, lowercase x, Excel numbers)
and then validated; a wrong checksum is an error, never silently "fixed".
"""

from datetime import date
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from shegong.core import pii
from shegong.core.pii import mask_name, mask_phone

from . import rules
from .choices import (
    CoverageMode,
    Industry,
    Occupation,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PartyRole,
    PoliticalStatus,
)


@cache
def _lookup(choices: type) -> dict[str, str]:
    """``{value or label: value}`` of a choices class (built once: enum iteration is slow)."""
    return {text: m.value for m in choices for text in (m.label, m.value)}


def _choice(value: Any, choices: type, field: str) -> str:
    """Accept the stored value or the Chinese label ("非公企业" or "enterprise")."""
    text = str(value or "").strip()
    found = _lookup(choices).get(text)
    if found is not None:
        return found
    labels = "、".join(m.label for m in choices)
    raise ValueError(f"{field}「{text}」无效，应为：{labels}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel turned a code into a number
    return str(value).strip()


def _code_text(value: Any) -> str:
    """Codes Excel stored as numbers: 341271001001.0 → "341271001001".

    Scientific notation (3.41202E+17) has already lost digits; it is refused, not guessed.
    """
    if isinstance(value, float):
        if value.is_integer() and value < 1e15:
            return str(int(value))
        raise ValueError(
            "已被 Excel 转成数字（科学计数法），末几位已丢失；请把该列设为文本后重新填写"
        )
    text = _text(value)
    if "E+" in text.upper() and text.replace(".", "").upper().replace("E+", "").isdigit():
        raise ValueError("已被 Excel 转成科学计数法，末几位已丢失；请把该列设为文本后重新填写")
    return text


def _django_error(exc: DjangoValidationError) -> ValueError:
    return ValueError(exc.messages[0])


class OrganizationIn(Schema):
    kind: str
    name: str
    credit_code: str = ""
    former_names: list[str] = []
    legal_rep: str = ""
    legal_rep_phone: str = ""
    investors: str = ""
    address: str = ""
    region: str
    lat: float | None = None
    lon: float | None = None
    industry: str = ""
    employee_count: int | None = None
    party_member_count: int | None = None
    party_contact: str = ""
    status: str = OrgStatus.ACTIVE.value
    is_platform: bool = False
    container_credit_code: str = ""
    container_id: int | None = None  # the page's choice; files name the place by credit code

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        return _choice(value, OrgKind, "类型")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> str:
        return _choice(value or OrgStatus.ACTIVE, OrgStatus, "状态")

    @field_validator("industry", mode="before")
    @classmethod
    def _industry(cls, value: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        return _choice(text[:1].upper() if len(text) == 1 else text, Industry, "行业门类")

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        text = _text(value)
        if not text:
            raise ValueError("名称不能为空")
        return text

    @field_validator("region", "container_credit_code", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> str:
        return pii.normalize_code(_code_text(value))

    @field_validator("credit_code", mode="before")
    @classmethod
    def _credit_code(cls, value: Any) -> str:
        text = pii.normalize_code(_code_text(value))
        if not text:
            return ""
        try:
            return pii.validate_credit_code(text)
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc

    @field_validator("legal_rep_phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str:
        text = _code_text(value)
        if not text:
            return ""
        try:
            return pii.validate_phone(text)
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc

    @field_validator("legal_rep", "investors", "address", "party_contact", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> str:
        return _text(value)

    @field_validator("former_names", mode="before")
    @classmethod
    def _former(cls, value: Any) -> list[str]:
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [v.strip() for v in str(value or "").replace("，", ",").split(",") if v.strip()]


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str | None
    legal_rep: str
    address: str
    region: str
    industry: str
    employee_count: int | None
    status: str
    is_platform: bool

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region_id


class PersonIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    occupation: str = Occupation.EMPLOYEE.value
    political_status: str = PoliticalStatus.MASSES.value
    party_joined_on: date | None = None
    party_registered_at: str = ""
    is_mobile_member: bool = False
    region: str
    # Current job: the organization by credit code (or name for places without one).
    organization_credit_code: str = ""
    position: str = ""
    is_manager: bool = False

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        text = _text(value)
        if not text:
            raise ValueError("姓名不能为空")
        return text

    @field_validator("id_number", mode="before")
    @classmethod
    def _id_number(cls, value: Any) -> str:
        text = pii.normalize_id_number(_code_text(value))
        try:
            return pii.validate_id_number(text)
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str:
        text = _code_text(value)
        if not text:
            return ""
        try:
            return pii.validate_phone(text)
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc

    @field_validator("occupation", mode="before")
    @classmethod
    def _occupation(cls, value: Any) -> str:
        return _choice(value or Occupation.EMPLOYEE, Occupation, "职业")

    @field_validator("political_status", mode="before")
    @classmethod
    def _political(cls, value: Any) -> str:
        return _choice(value or PoliticalStatus.MASSES, PoliticalStatus, "政治面貌")

    @field_validator("region", "organization_credit_code", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> str:
        return pii.normalize_code(_code_text(value))


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    id_number: str
    sex: str
    birth_date: date | None
    occupation: str
    political_status: str
    is_mobile_member: bool
    region: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.name_masked

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_id_number(obj: Any) -> str:
        return obj.id_number_masked

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region_id


class PartyOrgIn(Schema):
    name: str
    type: str
    region: str
    parent_id: int | None = None
    founded_on: date | None = None
    term_end: date | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        return _choice(value, PartyOrgType, "党组织类型")

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: Any) -> str:
        return pii.normalize_code(_code_text(value))


class CoverageIn(Schema):
    mode: str
    party_org_id: int | None = None
    since: date | None = None
    note: str = ""

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str:
        return _choice(value, CoverageMode, "覆盖方式")


# --- output and filter schemas of the records API (personal data leaves masked) ---------


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


class PartyMemberAdd(Schema):
    person_id: int = Field(description="人员编号（须为党员，在本人工作范围内）")
    role: PartyRole = Field(PartyRole.MEMBER, description="党内职务")
    joined_on: date | None = Field(None, description="转入日期，不填为今天")
    transferred: bool | None = Field(
        None, description="组织关系是否转入本党组织；不填时临时党支部为否，其他为是"
    )


class PartyMemberLeave(Schema):
    left_on: date | None = Field(None, description="转出日期，不填为今天")


class PartyMemberDevelop(Schema):
    person_id: int = Field(description="人员编号（非党员，在本人工作范围内）")
    admitted_on: date | None = Field(None, description="接收为预备党员的日期，不填为今天")


class TermExtension(Schema):
    extended_to: date = Field(description="延期至（自届满日期起最长12个月）")
    approved_by: str = Field(max_length=100, description="批准机关")
    document_no: str = Field(max_length=60, description="批准文号")
    approved_on: date = Field(description="批准日期")


class TemporaryBranchConvert(Schema):
    new_type: str = Field(description="转为的正式党组织类型，如 branch（党支部）")
    name: str | None = Field(None, max_length=200, description="新名称，不填则去掉“临时”二字")
    converted_on: date | None = Field(None, description="转建日期，不填为今天")


class TemporaryBranchDissolve(Schema):
    reason: str = Field(min_length=1, max_length=200, description="撤销原因，如项目结束")
    dissolved_on: date | None = Field(None, description="撤销日期，不填为今天")


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
    dissolved_on: date | None = Field(None, description="临时党支部撤销日期")
    extended_to: date | None = Field(None, description="经批准延期换届至")
    extension_approved_by: str = Field("", description="延期批准机关")
    extension_document_no: str = Field("", description="延期批准文号")
    extension_approved_on: date | None = Field(None, description="延期批准日期")
    reelection_status: str | None = Field(
        None,
        description="换届状态：overdue 已超期、urgent 3个月内届满、soon 6个月内届满、"
        "extended 已批准延期；临时党支部不实行换届，为空",
    )

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_reelection_status(obj: Any) -> str | None:
        if not obj.is_active or not rules.has_reelection(obj.type):
            return None
        return rules.reelection_status(obj.term_end, timezone.localdate(), obj.extended_to)

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
