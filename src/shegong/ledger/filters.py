"""One way to pick organizations by criteria: the list page, its export and 回头看 campaigns.

``criteria`` is a plain dict of strings (it is stored on ``ReviewCampaign.criteria`` as JSON and
read back from a query string), so a campaign records exactly which filter chose its tasks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from shegong.core.errors import InvalidInput
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from .choices import PARTY_STATUSES, CoverageMode, Industry, OrgKind, OrgStatus
from .models import Employment

__all__ = ["CRITERIA_LABELS", "clean_criteria", "describe_criteria", "filter_organizations"]

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
            known = set(OrgKind.values)
            bad = [v for v in values if v not in known]
            if bad:
                raise InvalidInput.field("kind", f"组织类型「{bad[0]}」无效")
            cleaned[key] = sorted(set(values))
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
    if "coverage" in criteria:
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
