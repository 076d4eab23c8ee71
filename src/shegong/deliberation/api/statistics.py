"""/api/v1/deliberation/statistics: the 议事厅 numbers of the statistics page (docs/metrics.md
"议事厅"), for a period and a community of the caller's scope. The same ``figures`` as the page
and the export; a bad date or a community outside the scope is 422 with the field named."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import problem_responses
from shegong.deliberation.forms.statistics import StatisticsFilter
from shegong.deliberation.queries import statistics

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)


class DelibStatisticsQuery(Schema):
    start: str | None = Field(
        None, max_length=10, description="开始日期 YYYY-MM-DD（默认：十二个月前的月初）"
    )
    end: str | None = Field(None, max_length=10, description="结束日期 YYYY-MM-DD（默认：今天）")
    community: str | None = Field(None, max_length=20, description="社区区划代码（默认：全部）")


class DelibIndicatorOut(Schema):
    key: str
    label: str
    definition: str
    value: float | None = None
    numerator: int | None = None
    denominator: int | None = None
    rate: float | None = Field(None, description="百分比，一位小数；无分母时为空")
    unit: str = ""


class DelibCommunityStatsOut(Schema):
    code: str
    name: str
    topics: int
    adopted: int
    on_time: int
    due: int
    meetings: int
    cadence_met: int | None = None
    cadence_due: int | None = Field(None, description="未开启一月一会时为空")
    delivered: int
    overdue: int


class DelibStatisticsOut(Schema):
    start: str
    end: str
    community: str
    headline: str = Field(description="收集议题 N 项 · 落地实事 N 件 · 专题议事 N 场")
    indicators: list[DelibIndicatorOut]
    months: list[str]
    meetings_by_month: list[int]
    by_community: list[DelibCommunityStatsOut]


@router.get(
    "/statistics",
    response={200: DelibStatisticsOut, **ERRORS},
    summary="议事厅统计",
    operation_id="deliberation_statistics",
)
def statistics_figures(request: HttpRequest, filters: Query[DelibStatisticsQuery]) -> Any:
    """统计期内辖区（或某一社区）的收集议题、落地实事、专题议事、一月一会达标率、按时答复率、
    采纳率、落实率等，口径见“数字的定义”。"""
    require_perm(request.auth, Perm.DELIBERATION_VIEW)
    form = StatisticsFilter(
        {k: v for k, v in filters.dict().items() if v not in (None, "")}, user=request.auth
    )
    if not form.is_valid():
        InvalidInput.raise_if_any(
            [{"field": name, "message": str(errors[0])} for name, errors in form.errors.items()]
        )
    period = form.period()
    figures = statistics.figures(request.auth, period, form.cleaned_data.get("community") or "")
    return {
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "community": figures.community, "headline": figures.headline(),
        "indicators": figures.indicators(), "months": figures.months,
        "meetings_by_month": figures.meetings_by_month, "by_community": figures.by_community,
    }  # fmt: skip
