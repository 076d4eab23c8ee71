"""The record of a social organization (issue 14 §1): register, edit, change status, charter.

Each entry point runs in one durable transaction and writes one audit entry. ``actor`` is the
registrar (``socialorgs.manage``, the organization inside their scope) or None for the system
(demo data, the command line), which skips the permission and scope checks.

The name, credit code, address, legal representative and region are the ledger
Organization's (kind 社会组织), written through ``ledger.actions.records`` inside this
transaction; everything else is the ``SocialOrg`` profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from shegong.accounts.models import User
from shegong.core import audit, pii
from shegong.core.audit import Verb
from shegong.core.documents import check_documents
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput
from shegong.ledger.actions.records import (
    amend_organization,
    check_ledger_region,
    file_organization,
)
from shegong.ledger.choices import OrgKind, OrgStatus
from shegong.ledger.models import Organization
from shegong.ledger.schemas import OrganizationIn

from ..choices import (
    CLOSED_STATUSES,
    CREDIT_CODE_PREFIX,
    DEFAULT_TERM_YEARS,
    TRANSITIONS,
    Grade,
    SocialOrgStatus,
    SocialOrgType,
)
from ..models import AnnouncementKind, CharterVersion, SocialOrg, add_years
from ._checks import _check_actor, _check_scope
from .announcements import make_announcement

__all__ = [
    "add_charter_version",
    "change_status",
    "check_credit_code",
    "register_social_org",
    "update_social_org",
]

MAX_TERM_YEARS = 10
# Statuses an organization may be registered in (the others are reached by a status change).
INITIAL_STATUSES = {SocialOrgStatus.PREPARING, SocialOrgStatus.NORMAL}
# The ledger Organization's fields kept by this record.
ORG_FIELDS = ["name", "credit_code", "address", "region", "legal_rep", "legal_rep_phone"]


# --- checks ---------------------------------------------------------------------------------


def check_credit_code(value: Any, org_type: str) -> str:
    """The normalised credit code (GB 32100 checksum), whose registration-authority and
    organization category are civil affairs and this type: 51 社会团体, 52 社会服务机构,
    53 基金会. Raises InvalidInput on the ``credit_code`` field."""
    text = pii.normalize_code(str(value or ""))
    if not text:
        raise InvalidInput.field("credit_code", "请填写统一社会信用代码")
    try:
        code = pii.validate_credit_code(text)
    except DjangoValidationError as exc:
        raise InvalidInput.field("credit_code", exc.messages[0]) from exc
    if code[:2] not in CREDIT_CODE_PREFIX.values():
        raise InvalidInput.field(
            "credit_code",
            f"统一社会信用代码 {code} 不是民政部门登记的社会组织代码"
            "（前两位应为51社会团体、52社会服务机构或53基金会）",
        )
    expected = CREDIT_CODE_PREFIX.get(SocialOrgType(org_type)) if org_type else None
    if expected and code[:2] != expected:
        raise InvalidInput.field(
            "credit_code",
            f"统一社会信用代码前两位为{code[:2]}，与类型“{SocialOrgType(org_type).label}”"
            f"不符（应为{expected}）",
        )
    return code


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _date(data: Mapping[str, Any], field: str, label: str, errors: list, *, required: bool):
    value = data.get(field)
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            errors.append({"field": field, "message": f"请填写{label}"})
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append({"field": field, "message": f"{label}格式应为 年-月-日，如 2024-03-01"})
        return None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in {"1", "true", "on", "yes", "是"}


def _choice(
    value: Any, choices: type[models.TextChoices], field: str, label: str, errors: list
) -> str:
    text = _text(value)
    for member in choices:
        if text in (member.value, member.label):
            return str(member.value)
    errors.append({"field": field, "message": f"{label}“{text or '（空）'}”不在可选范围内"})
    return ""


def clean(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate the record's fields; raise one InvalidInput naming every bad field."""
    errors: list[dict[str, str]] = []
    v: dict[str, Any] = {}
    v["org_type"] = _choice(data.get("org_type"), SocialOrgType, "org_type", "类型", errors)
    v["name"] = _text(data.get("name"))
    if not v["name"]:
        errors.append({"field": "name", "message": "请填写名称"})
    elif len(v["name"]) > 200:
        errors.append({"field": "name", "message": "名称不能超过200个字"})
    try:
        v["credit_code"] = check_credit_code(data.get("credit_code"), v["org_type"])
    except InvalidInput as exc:
        errors.extend(exc.errors)
    for field, label, size, required in [
        ("registration_number", "登记证号", 50, True),
        ("registration_authority", "登记管理机关", 100, True),
        ("supervisor", "业务主管单位", 100, False),
        ("activity_area", "活动地域", 100, False),
        ("address", "住所", 300, False),
        ("legal_rep", "法定代表人", 50, False),
    ]:
        v[field] = _text(data.get(field))
        if required and not v[field]:
            errors.append({"field": field, "message": f"请填写{label}"})
        elif len(v[field]) > size:
            errors.append({"field": field, "message": f"{label}不能超过{size}个字"})
    v["business_scope"] = _text(data.get("business_scope"))
    phone = _text(data.get("legal_rep_phone"))
    v["legal_rep_phone"] = ""
    if phone:
        try:
            v["legal_rep_phone"] = pii.validate_phone(phone)
        except DjangoValidationError as exc:
            errors.append({"field": "legal_rep_phone", "message": exc.messages[0]})
    v["region"] = _text(data.get("region"))
    if not v["region"]:
        errors.append({"field": "region", "message": "请选择所属区划"})
    v["registered_on"] = _date(data, "registered_on", "登记日期", errors, required=True)
    if v["registered_on"] and v["registered_on"] > timezone.localdate():
        errors.append({"field": "registered_on", "message": "登记日期不能晚于今天"})
    v["term_start"] = _date(data, "term_start", "本届理事会起始日期", errors, required=False)
    years_text = _text(data.get("term_years")) or str(DEFAULT_TERM_YEARS)
    v["term_years"] = DEFAULT_TERM_YEARS
    if not years_text.isdigit() or not 1 <= int(years_text) <= MAX_TERM_YEARS:
        errors.append(
            {"field": "term_years", "message": f"每届任期应为1至{MAX_TERM_YEARS}年的整数"}
        )
    else:
        v["term_years"] = int(years_text)
    for flag, on, label in [
        ("charity", "charity_on", "慈善组织认定日期"),
        ("public_fundraising", "public_fundraising_on", "取得公开募捐资格日期"),
    ]:
        v[flag] = _bool(data.get(flag))
        v[on] = _date(data, on, label, errors, required=v[flag])
        if not v[flag]:
            v[on] = None
    if v["public_fundraising"] and not v["charity"]:
        errors.append(
            {"field": "public_fundraising", "message": "只有认定为慈善组织的才能具有公开募捐资格"}
        )
    grade = _text(data.get("grade")).upper()
    v["grade"] = _choice(grade, Grade, "grade", "评估等级", errors) if grade else ""
    v["grade_valid_until"] = _date(
        data, "grade_valid_until", "评估等级有效期", errors, required=bool(grade)
    )
    if not grade:
        v["grade_valid_until"] = None
    if creating:
        status = _text(data.get("status")) or SocialOrgStatus.NORMAL
        v["status"] = _choice(status, SocialOrgStatus, "status", "登记状态", errors)
        if v["status"] and v["status"] not in INITIAL_STATUSES:
            errors.append(
                {"field": "status", "message": "新登记的社会组织只能是“筹备”或“正常”状态"}
            )
    InvalidInput.raise_if_any(errors)
    v["term_end"] = add_years(v["term_start"], v["term_years"]) if v["term_start"] else None
    return v


# What the ledger knows of an organization beyond its registration: kept as it is when the
# registrar registers or edits the organization (never reset by this app's form).
LEDGER_KEPT = [
    "former_names", "investors", "lat", "lon", "employee_count", "party_member_count",
    "party_contact", "is_platform", "container_id",
]  # fmt: skip


def _organization_in(
    v: dict[str, Any], *, status: str, existing: Organization | None = None
) -> OrganizationIn:
    kept = {name: getattr(existing, name) for name in LEDGER_KEPT} if existing else {}
    try:
        return OrganizationIn(
            kind=OrgKind.SOCIAL_ORG,
            name=v["name"],
            credit_code=v["credit_code"],
            legal_rep=v["legal_rep"],
            legal_rep_phone=v["legal_rep_phone"],
            address=v["address"],
            region=v["region"],
            industry=(existing.industry if existing else "") or "S",
            status=OrgStatus.CLOSED if status in CLOSED_STATUSES else OrgStatus.ACTIVE,
            **kept,
        )
    except PydanticValidationError as exc:  # the checks above make this rare
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else ""
        raise InvalidInput.field(field, str(first["msg"]).removeprefix("Value error, ")) from exc


def _adoptable(actor: User | None, credit_code: str) -> Organization | None:
    """The ledger's row with this credit code that the registration adopts (kind 社会组织, no
    record yet, in the actor's scope), or None when there is none. Refuses a row that is
    another kind of organization or already registered here."""
    found = Organization.objects.filter(credit_code=credit_code).first() if credit_code else None
    if found is None:
        return None
    if hasattr(found, "social_org"):
        raise InvalidInput.field("credit_code", f"该统一社会信用代码已登记为社会组织：{found.name}")
    if found.kind != OrgKind.SOCIAL_ORG:
        raise InvalidInput.field(
            "credit_code",
            f"该统一社会信用代码在台账中登记为{found.get_kind_display()}：{found.name}；"
            "如确为社会组织，请先在台账中更正其类型",
        )
    if (
        actor is not None
        and not Organization.objects.visible_to(actor).filter(pk=found.pk).exists()
    ):
        raise InvalidInput.field("credit_code", "该统一社会信用代码已由其他辖区的台账登记")
    return found


PROFILE_FIELDS = [
    "org_type", "registration_number", "registration_authority", "registered_on", "supervisor",
    "business_scope", "activity_area", "term_start", "term_years", "term_end", "charity",
    "charity_on", "public_fundraising", "public_fundraising_on", "grade", "grade_valid_until",
]  # fmt: skip


def _number_taken(number: str, *, exclude: int | None = None) -> None:
    clash = SocialOrg.objects.filter(registration_number=number)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    other = clash.select_related("organization").first()
    if other is not None:
        raise InvalidInput.field(
            "registration_number", f"登记证号已登记：{other.organization.name}"
        )


# The 公告 a status produces (founding; 注销; 撤销/吊销 as penalties), with its title's tail.
STATUS_ANNOUNCEMENTS = {
    SocialOrgStatus.NORMAL: (AnnouncementKind.FOUNDED, "成立登记公告", "准予成立登记"),
    SocialOrgStatus.DEREGISTERED: (AnnouncementKind.DEREGISTERED, "注销登记公告", "准予注销登记"),
    SocialOrgStatus.CANCELLED: (AnnouncementKind.PENALTY, "撤销登记公告", "撤销登记"),
    SocialOrgStatus.REVOKED: (AnnouncementKind.PENALTY, "吊销登记证书公告", "吊销登记证书"),
}


def announce_status(
    social_org: SocialOrg, status: str, *, on: date | None = None, basis: str = ""
) -> None:
    """The 公告 of a founding, 注销, 撤销 or 吊销 (the legal representative's name masked)."""
    found = STATUS_ANNOUNCEMENTS.get(SocialOrgStatus(status))
    if found is None:
        return
    kind, title, verb = found
    org = social_org.organization
    lines = [
        f"经审查，{social_org.registration_authority or '本机关'}决定对{org.name}{verb}。",
        f"类型：{SocialOrgType(social_org.org_type).label}",
        f"统一社会信用代码：{org.credit_code or '—'}",
        f"登记证号：{social_org.registration_number}",
        f"法定代表人：{pii.mask_name(org.legal_rep) or '—'}",
        f"住所：{org.address or '—'}",
    ]
    if status == SocialOrgStatus.NORMAL:
        lines.append(f"业务范围：{social_org.business_scope or '—'}")
    if basis:
        lines.append(f"依据：{basis}")
    lines.append("特此公告。")
    make_announcement(
        social_org, kind, title=f"{org.name}{title}", body="\n".join(lines), published_on=on
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- the verbs ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def register_social_org(data: Mapping[str, Any], *, actor: User | None) -> SocialOrg:
    """Register a social organization: a ledger Organization of kind 社会组织 and its profile."""
    _check_actor(actor)
    v = clean(data, creating=True)
    region = check_ledger_region(actor, v["region"])
    _number_taken(v["registration_number"])
    adopted = _adoptable(actor, v["credit_code"])
    if adopted is not None:  # the ledger's row becomes the record: never a copy
        org = adopted
        amend_organization(
            org, _organization_in(v, status=v["status"], existing=org), region=region
        )
        org.refresh_from_db()
    else:
        org = file_organization(_organization_in(v, status=v["status"]), region=region)
    social_org = SocialOrg.objects.create(
        organization=org, status=v["status"], **{f: v[f] for f in PROFILE_FIELDS}
    )
    if social_org.status == SocialOrgStatus.NORMAL:
        announce_status(social_org, SocialOrgStatus.NORMAL, on=social_org.registered_on)
    audit.record(
        Verb.SOCIAL_ORG_REGISTERED,
        actor=actor,
        target=social_org,
        region=region,
        data={
            "org_type": social_org.org_type,
            "status": social_org.status,
            **({"ledger_organization": org.pk} if adopted is not None else {}),
        },
    )
    return social_org


@transaction.atomic(durable=True)
def update_social_org(
    social_org: SocialOrg, data: Mapping[str, Any], *, actor: User | None
) -> SocialOrg:
    """Apply a full record (the status changes only through ``change_status``); the audit
    entry lists exactly the fields that changed."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    social_org, changed = apply_update(social_org, data, actor=actor)
    if not changed:
        return social_org
    audit.record(
        Verb.SOCIAL_ORG_UPDATED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"changed": changed},
    )
    return social_org


def record_values(social_org: SocialOrg) -> dict[str, Any]:
    """The record as the ``clean`` input of ``apply_update`` (a change overlays its items)."""
    org = social_org.organization
    values: dict[str, Any] = {name: getattr(social_org, name) for name in PROFILE_FIELDS}
    values.pop("term_end")
    values.update({name: getattr(org, name) for name in ORG_FIELDS if name != "region"})
    values["region"] = org.region_id
    return {k: ("" if v is None else v) for k, v in values.items()}


def apply_update(
    social_org: SocialOrg, data: Mapping[str, Any], *, actor: User | None
) -> tuple[SocialOrg, dict[str, Any]]:
    """Validate and write a full record inside the caller's transaction (no audit entry: the
    caller audits its own verb). Returns the organization and the changed fields (personal
    data masked)."""
    social_org = SocialOrg.objects.select_for_update().get(pk=social_org.pk)
    v = clean(data, creating=False)
    region = check_ledger_region(actor, v["region"])
    _number_taken(v["registration_number"], exclude=social_org.pk)
    org = social_org.organization
    changed = amend_organization(
        org, _organization_in(v, status=social_org.status, existing=org), region=region
    )
    changed.pop("status", None)
    for name in ("legal_rep", "legal_rep_phone"):  # personal data: never in clear in the trail
        if name in changed:
            changed[name] = ["*", "*"]
    for name in PROFILE_FIELDS:
        old = getattr(social_org, name)
        if old != v[name]:
            changed[name] = [_jsonable(old), _jsonable(v[name])]
            setattr(social_org, name, v[name])
    if not changed:
        return social_org, changed
    social_org.updated_at = timezone.now()
    social_org.save()
    social_org.organization.refresh_from_db()
    return social_org, changed


@transaction.atomic(durable=True)
def change_status(
    social_org: SocialOrg,
    status: str,
    *,
    legal_basis: str,
    actor: User | None,
    effective_on: date | None = None,
) -> SocialOrg:
    """Move the registration status along ``TRANSITIONS``, naming its legal basis (the
    article, decision or document) — required, and kept in the audit entry."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    social_org, data = apply_status(
        social_org, status, legal_basis=legal_basis, effective_on=effective_on
    )
    audit.record(
        Verb.SOCIAL_ORG_STATUS_CHANGED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data=data,
    )
    return social_org


def apply_status(
    social_org: SocialOrg, status: str, *, legal_basis: str, effective_on: date | None = None
) -> tuple[SocialOrg, dict[str, Any]]:
    """Check and write a status change inside the caller's transaction (closing or reopening
    the ledger row); returns the organization and the audit data (status pair, legal basis,
    effective date). No audit entry: the caller audits its own verb."""
    social_org = (
        SocialOrg.objects.select_for_update().select_related("organization").get(pk=social_org.pk)
    )
    errors: list[dict[str, str]] = []
    new = _choice(status, SocialOrgStatus, "status", "登记状态", errors)
    basis = _text(legal_basis)
    if not basis:
        errors.append({"field": "legal_basis", "message": "请填写变更状态的法律依据"})
    elif len(basis) > 500:
        errors.append({"field": "legal_basis", "message": "法律依据不能超过500个字"})
    InvalidInput.raise_if_any(errors)
    old = social_org.status
    if new == old:
        raise DomainError(f"该社会组织已是“{SocialOrgStatus(old).label}”状态")
    allowed = TRANSITIONS[SocialOrgStatus(old)]
    if new not in allowed:
        raise IllegalTransition(
            SocialOrgStatus(old).label,
            SocialOrgStatus(new).label,
            [SocialOrgStatus(s).label for s in SocialOrgStatus if s in allowed],
        )
    effective = effective_on or timezone.localdate()
    social_org.status = new
    social_org.updated_at = timezone.now()
    fields = ["status", "updated_at"]
    if new in CLOSED_STATUSES:
        social_org.closed_on = effective
        fields.append("closed_on")
    social_org.save(update_fields=fields)
    org = social_org.organization
    closed = OrgStatus.CLOSED if new in CLOSED_STATUSES else OrgStatus.ACTIVE
    if org.status != closed:
        org.status = closed
        org.updated_at = social_org.updated_at
        org.save(update_fields=["status", "updated_at"])
    if new != SocialOrgStatus.NORMAL or old == SocialOrgStatus.PREPARING:
        announce_status(social_org, new, on=effective, basis=basis)
    return social_org, {
        "status": [old, new],
        "legal_basis": basis,
        "effective_on": effective.isoformat(),
    }


@transaction.atomic(durable=True)
def add_charter_version(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    files: Sequence[Any] = (),
) -> CharterVersion:
    """Record an approved charter version and whether it writes in party building (党建入章);
    ``files`` is at most one charter file (PDF, image or Office, checked by core.documents)."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    charter = create_charter(social_org, data, files=files)
    audit.record(
        Verb.CHARTER_VERSION_ADDED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "charter": charter.pk,
            "version_date": charter.version_date.isoformat(),
            "party_building": charter.party_building,
            "file": charter.file_name,
        },
    )
    return charter


def create_charter(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    files: Sequence[Any] = (),
    stored: tuple[str, str, str] | None = None,
) -> CharterVersion:
    """Check and write a charter version inside the caller's transaction (no audit entry).
    ``stored`` is an already-kept file (storage name, display name, content type), e.g. the
    charter attached to an approved 章程核准 application."""
    errors: list[dict[str, str]] = []
    version_date = _date(data, "version_date", "章程核准日期", errors, required=True)
    party = _bool(data.get("party_building"))
    party_on = _date(data, "party_building_on", "党建入章日期", errors, required=party)
    if version_date and version_date > timezone.localdate():
        errors.append({"field": "version_date", "message": "章程核准日期不能晚于今天"})
    checked = []
    try:
        checked = check_documents(list(files), field="file", max_files=1)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    InvalidInput.raise_if_any(errors)
    charter = CharterVersion(
        social_org=social_org,
        version_date=version_date,
        party_building=party,
        party_building_on=party_on if party else None,
    )
    if checked:
        doc = checked[0]
        charter.file = ContentFile(doc.content, name=doc.name)
        charter.file_name, charter.file_type = doc.name, doc.content_type
    elif stored:
        charter.file.name, charter.file_name, charter.file_type = stored
    charter.save()
    latest = social_org.charters.order_by("-version_date", "-pk").first()
    social_org.charter_party_building = bool(latest and latest.party_building)
    SocialOrg.objects.filter(pk=social_org.pk).update(
        charter_party_building=social_org.charter_party_building
    )
    return charter
