"""对接统计: the 四单 numbers (docs/metrics.md "需求对接（四单）") for a period and a community,
their charts and the audited Excel export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.perms import Perm, require_perm
from shegong.matching.forms.statistics import StatisticsFilter
from shegong.matching.queries import statistics
from shegong.web.exports import audited_xlsx

TEMPLATE = "matching/statistics.html"


def _filter(request: HttpRequest) -> StatisticsFilter:
    require_perm(request.user, Perm.MATCHING_VIEW)
    return StatisticsFilter(request.GET, user=request.user)


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _filter(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=422)
    community = form.cleaned_data.get("community") or ""
    figures = statistics.figures(request.user, form.period(), community)
    context: dict[str, Any] = {
        "form": form, "figures": figures, "indicators": figures.indicators(),
        "chart": figures.chart(), "query": request.GET.urlencode(),
        "category_rows": [
            (name, figures.by_category_month[pk], sum(figures.by_category_month[pk]))
            for pk, name in figures.categories
        ],
    }  # fmt: skip
    return render(request, TEMPLATE, context)


@require_safe
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The figures (with their definitions), or with ``table=month`` the orders by category
    and month; one audit entry."""
    form = _filter(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=422)
    period = form.period()
    community = form.cleaned_data.get("community") or ""
    figures = statistics.figures(request.user, period, community)
    filters = {"start": period.start, "end": period.end, "community": community}
    if request.GET.get("table") == "month":
        columns = [excel.Column("服务类别", 14)] + [excel.Column(m, 10) for m in figures.months]
        rows: list[list[Any]] = [
            [name, *figures.by_category_month[pk]] for pk, name in figures.categories
        ]
        return audited_xlsx(
            request.user, verb=Verb.ORDERS_EXPORTED, table="matching_statistics_month",
            title="需求对接点单量（按类别和月份）", columns=columns, rows=rows, filters=filters,
        )  # fmt: skip
    columns = [excel.Column("指标", 18), excel.Column("数值", 10), excel.Column("分子", 10),
               excel.Column("分母", 10), excel.Column("比率（%）", 10), excel.Column("单位", 8),
               excel.Column("口径", 60)]  # fmt: skip
    rows = [
        [r["label"], r["value"], r["numerator"], r["denominator"], r["rate"], r["unit"],
         r["definition"]]
        for r in figures.indicators()
    ]  # fmt: skip
    for u in figures.unmet:
        wait = f"最长等待 {u['max_days']} 天，平均 {u['avg_days']} 天"
        rows.append([f"未满足需求：{u['category']}", u["count"], None, None, None, "单", wait])
    for c in figures.coverage:
        if c["missing"]:
            gap = "、".join(c["missing"])
            rows.append([f"供给缺口：{c['name']}", len(c["missing"]), None, None, None, "项", gap])
    return audited_xlsx(
        request.user, verb=Verb.ORDERS_EXPORTED, table="matching_statistics",
        title="需求对接统计", columns=columns, rows=rows, filters=filters,
    )  # fmt: skip
