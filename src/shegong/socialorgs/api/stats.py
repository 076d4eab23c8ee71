"""/api/v1/socialorgs/stats: the statistics page's figures as data (the same ``stats`` queries,
in the caller's scope): every registered indicator of a year by section, and the charts'
tables."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import problem_responses

from .. import stats

router = Router()
ERRORS = problem_responses(400, 403, 422)


class StatsFilter(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="统计年度，默认上一年度")
    region: str = Field("", description="区划代码（须在本人工作范围内），默认全部范围")


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    definition: str
    value: int | None = Field(None, description="数值（比率类指标为空）")
    numerator: int | None = None
    denominator: int | None = None
    rate: float | None = Field(None, description="比率（%），保留一位小数")
    url: str = Field("", description="与数值（或分子）相等的清单")
    denominator_url: str = ""
    not_regional: bool = Field(False, description="选定区划时该指标不按区划细分")


class SectionOut(Schema):
    key: str
    title: str
    rows: list[IndicatorOut]


class CountOut(Schema):
    label: str
    n: int


class YearOut(Schema):
    year: int
    registered: int
    closed: int


class StatsOut(Schema):
    year: int
    region: str
    sections: list[SectionOut]
    by_type: list[CountOut]
    by_status: list[CountOut]
    by_street: list[CountOut]
    by_year: list[YearOut]


@router.get(
    "/stats",
    response={200: StatsOut, **ERRORS},
    summary="社会组织统计指标",
    operation_id="socialorgs_stats",
)
def statistics(request: HttpRequest, filters: Query[StatsFilter]) -> Any:
    """所选年度的全部统计指标（按分组），以及按类型、登记状态、街道和近五年的统计表；口径见
    docs/metrics.md。"""
    user = request.auth
    require_perm(user, Perm.SOCIALORGS_VIEW)
    year = filters.year or stats.default_year(timezone.localdate())
    region = filters.region.strip()
    if region and region not in dict(stats.region_choices(user)):
        raise InvalidInput.field("region", "该区划不在您的工作范围内")
    tables = stats.charts(user, year, region)
    return {
        "year": year,
        "region": region,
        "sections": stats.figures(user, year, region),
        **{name: tables[name] for name in ("by_type", "by_status", "by_street", "by_year")},
    }
