"""The read side of the ledger's records, shared by pages and the API (STYLE.md rule 12).

``access_*`` return one row visible to the user or raise ``NotFound``: missing and out-of-scope
give the same message, so nobody can probe another street's ledger. ``*_list`` are the scoped,
filtered lists behind the list pages, their exports and the API, each a constant number of
queries however many rows it holds.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from shegong.core.errors import InvalidInput, NotFound
from shegong.core.pii import blind_index, normalize_id_number
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from ..choices import (
    CONTAINER_KINDS,
    COVERAGE_GROUP_KINDS,
    ORGANIZATION_COVERAGE,
    PARTY_STATUSES,
    CoverageGroup,
    CoverageMode,
    Industry,
    Occupation,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PoliticalStatus,
)
from ..models import Employment, Organization, PartyMembership, PartyOrganization, Person

__all__ = [
    "CRITERIA_LABELS",
    "ORG_NOT_FOUND",
    "PARTY_ORG_NOT_FOUND",
    "PERSON_NOT_FOUND",
    "access_organization",
    "access_party_org",
    "access_person",
    "clean_criteria",
    "describe_criteria",
    "filter_organizations",
    "find_person_by_id_number",
    "organization_list",
    "party_org_list",
    "people_list",
    "region_in_scope",
]

ORG_NOT_FOUND = "未找到该组织，或不在您的工作范围内"
PERSON_NOT_FOUND = "未找到该人员，或不在您的工作范围内"
PARTY_ORG_NOT_FOUND = "未找到该党组织，或不在您的工作范围内"


def _one(qs: QuerySet, pk: Any, *, for_write: bool, message: str) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if for_write:
        qs = qs.select_for_update()
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


def access_organization(user: Any, pk: Any, *, for_write: bool = False) -> Organization:
    qs = Organization.objects.visible_to(user).select_related("region", "container", "coverage")
    return _one(qs, pk, for_write=for_write, message=ORG_NOT_FOUND)


def access_person(user: Any, pk: Any, *, for_write: bool = False) -> Person:
    qs = Person.objects.visible_to(user).select_related("region")
    return _one(qs, pk, for_write=for_write, message=PERSON_NOT_FOUND)


def access_party_org(user: Any, pk: Any, *, for_write: bool = False) -> PartyOrganization:
    qs = PartyOrganization.objects.visible_to(user).select_related(
        "region", "parent", "secretary", "converted_to"
    )
    return _one(qs, pk, for_write=for_write, message=PARTY_ORG_NOT_FOUND)


def find_person_by_id_number(user: Any, id_number: str) -> Person | None:
    """The person with this ID number, looked up by its blind index, if the user may see them."""
    text = normalize_id_number(id_number or "")
    if not text:
        return None
    return Person.objects.visible_to(user).filter(id_number_index=blind_index(text)).first()


# --- organization criteria -------------------------------------------------------------------
# One way to pick organizations by criteria: the list page, its export and 回头看 campaigns.
#
# ``criteria`` is a plain dict of strings (it is stored on ``ReviewCampaign.criteria`` as JSON and
# read back from a query string), so a campaign records exactly which filter chose its tasks.


CRITERIA_LABELS = {
    "region": "区划",
    "kind": "类型",
    "status": "状态",
    "coverage": "覆盖方式",
    "industry": "行业门类",
    "has_party_members": "有在职党员",
    "is_platform": "平台企业",
    "q": "名称包含",
}
_CHOICES = {"status": OrgStatus, "coverage": CoverageMode, "industry": Industry}
# Kind groups a list may ask for: 在营单位 count units, never the places holding them.
UNITS = "units"  # every kind but 商圈、楼宇、园区、市场
CARRIERS = "carriers"  # 商圈、楼宇、园区、市场
NON_PUBLIC = CoverageGroup.NON_PUBLIC.value  # 企业 and 平台企业: the coverage rates' 非公企业
KIND_GROUPS = {
    UNITS: sorted(k.value for k in OrgKind if k not in CONTAINER_KINDS),
    CARRIERS: sorted(k.value for k in CONTAINER_KINDS),
    NON_PUBLIC: sorted(COVERAGE_GROUP_KINDS[NON_PUBLIC]),
}
KIND_GROUP_LABELS = {
    UNITS: "单位（不含商圈、楼宇、园区、市场）",
    CARRIERS: "商圈、楼宇、园区、市场",
    NON_PUBLIC: "非公企业（含平台企业）",
}
# A coverage criterion beside the modes: 组织覆盖 as the coverage page counts it.
COVERED = "covered"


def carrier_covered() -> Q:
    """A 商圈、楼宇、园区、市场 is 组织覆盖 when it is itself (单独组建, 联合组建) or at
    least one of its active tenant units is. The one definition of the coverage page's
    已覆盖 and of the organization list (its label and the ``coverage`` filter)."""
    tenants = Organization.objects.filter(
        container=OuterRef("pk"),
        status=OrgStatus.ACTIVE,
        coverage__mode__in=ORGANIZATION_COVERAGE,
    ).exclude(kind__in=CONTAINER_KINDS)
    return Q(coverage__mode__in=ORGANIZATION_COVERAGE) | Q(Exists(tenants))


def organization_covered() -> Q:
    """组织覆盖 of any organization: a unit by its own mode, a carrier by ``carrier_covered``."""
    carrier = Q(kind__in=CONTAINER_KINDS)
    return (carrier & carrier_covered()) | (~carrier & Q(coverage__mode__in=ORGANIZATION_COVERAGE))


_YES_NO = {"1": True, "0": False, "true": True, "false": False, "是": True, "否": False}


def clean_criteria(criteria: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values and check every value; unknown keys and values are InvalidInput."""
    cleaned: dict[str, Any] = {}
    for key, value in (criteria or {}).items():
        if key not in CRITERIA_LABELS:
            raise InvalidInput.field(key, f"未知的筛选条件：{key}")
        if value in (None, "", [], ()):
            continue
        if key == "kind":
            values = [value] if isinstance(value, str) else list(value)
            values = [v for group in values for v in KIND_GROUPS.get(group, [group])]
            known = set(OrgKind.values)
            bad = [v for v in values if v not in known]
            if bad:
                raise InvalidInput.field("kind", f"组织类型「{bad[0]}」无效")
            cleaned[key] = sorted(set(values))
        elif key == "coverage" and value == COVERED:
            cleaned[key] = value
        elif key in _CHOICES:
            if value not in _CHOICES[key].values:
                raise InvalidInput.field(key, f"{CRITERIA_LABELS[key]}「{value}」无效")
            cleaned[key] = value
        elif key in ("has_party_members", "is_platform"):
            flag = _YES_NO.get(str(value).lower()) if not isinstance(value, bool) else value
            if flag is None:
                raise InvalidInput.field(key, f"{CRITERIA_LABELS[key]}应为“是”或“否”")
            cleaned[key] = flag
        else:
            cleaned[key] = str(value).strip()
    return cleaned


def filter_organizations(qs: QuerySet, criteria: dict[str, Any]) -> QuerySet:
    """Narrow ``qs`` (already scoped with ``visible_to``) by ``criteria`` (see clean_criteria)."""
    criteria = clean_criteria(criteria)
    if "region" in criteria:
        region = Region.objects.filter(code=criteria["region"]).first()
        if region is None:
            raise InvalidInput.field("region", f"区划代码 {criteria['region']} 不存在")
        qs = in_subtree(qs, region.prefix)
    if "kind" in criteria:
        qs = qs.filter(kind__in=criteria["kind"])
    if "status" in criteria:
        qs = qs.filter(status=criteria["status"])
    if criteria.get("coverage") == COVERED:
        qs = qs.filter(organization_covered())
    elif criteria.get("coverage") == CoverageMode.NONE:
        # No coverage row is 未覆盖 too (the list shows it so), unless a tenant covers a carrier.
        own = Q(coverage__isnull=True) | Q(coverage__mode=CoverageMode.NONE)
        qs = qs.filter(own).exclude(Q(kind__in=CONTAINER_KINDS) & carrier_covered())
    elif "coverage" in criteria:
        qs = qs.filter(coverage__mode=criteria["coverage"])
    if "industry" in criteria:
        qs = qs.filter(industry=criteria["industry"])
    if "is_platform" in criteria:
        qs = qs.filter(is_platform=criteria["is_platform"])
    if "q" in criteria:
        qs = qs.filter(name__contains=criteria["q"])
    if "has_party_members" in criteria:
        members = Employment.objects.filter(
            organization=OuterRef("pk"),
            ended_on=None,
            person__political_status__in=PARTY_STATUSES,
        )
        qs = (
            qs.filter(Exists(members))
            if criteria["has_party_members"]
            else qs.exclude(Exists(members))
        )
    return qs


def describe_criteria(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs in Chinese, for the campaign page."""
    rows = []
    for key, value in (criteria or {}).items():
        label = CRITERIA_LABELS.get(key, key)
        if key == "kind":
            text = "、".join(OrgKind(v).label for v in value)
        elif key == "coverage" and value == COVERED:
            text = "已组织覆盖"
        elif key in _CHOICES:
            text = _CHOICES[key](value).label
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif key == "region":
            region = Region.objects.filter(code=value).first()
            text = region.name if region else value
        else:
            text = str(value)
        rows.append((label, text))
    return rows


# --- lists -----------------------------------------------------------------------------------


def region_in_scope(user: Any, code: str) -> Region:
    """A filter's region: one the user can see (else the same error as a missing one)."""
    region = Region.objects.visible_to(user).filter(code=(code or "").strip()).first()
    if region is None:
        raise InvalidInput.field("region", f"区划代码 {code} 不存在或不在您的工作范围内")
    return region


def organization_list(user: Any, criteria: dict[str, Any] | None = None) -> QuerySet:
    """Organizations visible to ``user``, filtered, with region, coverage and the count of
    current party-member employees (``party_members``) in the same query.

    ``criteria``: region, kind, status, coverage, has_party_members (the keys of
    ``filter_organizations``, shared with 回头看 campaigns) and ``q`` (name or credit
    code). Bad values are ``InvalidInput`` naming the field.
    """
    criteria = {k: v for k, v in (criteria or {}).items() if v not in (None, "")}
    q = str(criteria.pop("q", "")).strip()
    if criteria.get("region"):
        region_in_scope(user, criteria["region"])
    qs = filter_organizations(Organization.objects.visible_to(user), criteria)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code__contains=q.upper()))
    party = (
        Employment.objects.filter(
            organization=OuterRef("pk"), ended_on=None, person__political_status__in=PARTY_STATUSES
        )
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related("region", "coverage", "coverage__party_org").annotate(
        party_members=Coalesce(Subquery(party, output_field=IntegerField()), 0),
        # A carrier covered through a tenant is shown so, as the coverage page counts it.
        tenant_covered=Case(
            When(
                Q(kind__in=CONTAINER_KINDS)
                & ~Q(coverage__mode__in=ORGANIZATION_COVERAGE)
                & carrier_covered(),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _choice(field: str, value: str, choices: Any, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput.field(field, f"{label}「{value}」无效")
    return value


def people_list(user: Any, criteria: dict[str, Any] | None = None) -> QuerySet:
    """People visible to ``user``: region, occupation, political_status, is_mobile_member,
    q (name contains) and id_number (exact, through the blind index)."""
    c = {k: v for k, v in (criteria or {}).items() if v not in (None, "")}
    qs = Person.objects.visible_to(user).select_related("region")
    if c.get("region"):
        qs = in_subtree(qs, region_in_scope(user, c["region"]).prefix)
    if c.get("occupation"):
        qs = qs.filter(occupation=_choice("occupation", c["occupation"], Occupation, "职业"))
    if c.get("political_status"):
        status = _choice("political_status", c["political_status"], PoliticalStatus, "政治面貌")
        qs = qs.filter(political_status=status)
    if c.get("is_mobile_member") is not None:
        qs = qs.filter(is_mobile_member=c["is_mobile_member"] in (True, "1", "true"))
    if c.get("q"):
        qs = qs.filter(name__contains=str(c["q"]).strip())
    if c.get("id_number"):
        qs = qs.filter(id_number_index=blind_index(normalize_id_number(c["id_number"])))
    return qs.order_by("region_id", "id")


def party_org_list(user: Any, criteria: dict[str, Any] | None = None) -> QuerySet:
    """Party organizations visible to ``user`` with their current member count (``members``)."""
    c = {k: v for k, v in (criteria or {}).items() if v not in (None, "")}
    qs = PartyOrganization.objects.visible_to(user)
    if c.get("region"):
        qs = in_subtree(qs, region_in_scope(user, c["region"]).prefix)
    if c.get("type"):
        qs = qs.filter(type=_choice("type", c["type"], PartyOrgType, "党组织类型"))
    if c.get("active") is not None:
        qs = qs.filter(is_active=c["active"] in (True, "1", "true"))
    if c.get("q"):
        qs = qs.filter(name__contains=str(c["q"]).strip())
    members = (
        PartyMembership.objects.filter(party_org=OuterRef("pk"), left_on=None)
        .order_by()
        .values("party_org")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related("region", "secretary").annotate(
        members=Coalesce(Subquery(members, output_field=IntegerField()), 0)
    )
