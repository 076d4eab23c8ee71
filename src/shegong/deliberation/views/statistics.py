"""议事统计: the 议事厅 numbers (docs/metrics.md "议事厅") for a period and a community, their
charts and the audited Excel export."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.perms import Perm, require_perm
from shegong.deliberation.forms.statistics import StatisticsFilter
from shegong.deliberation.queries import statistics
from shegong.web.exports import audited_xlsx

TEMPLATE = "deliberation/statistics.html"
PAGE = 50


def _filter(request: HttpRequest) -> StatisticsFilter:
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    return StatisticsFilter(request.GET, user=request.user)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


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
    }  # fmt: skip
    return render(request, TEMPLATE, context)


@require_safe
def cadence_missing(request: HttpRequest) -> HttpResponse:
    """本月未开会社区: the communities in scope with 一月一会 on and no closed cadence meeting
    starting this month yet (the workbench card's figure), with their latest meeting."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    today = timezone.localdate()
    missing = statistics.months_without_meeting(request.user, today=today)
    page = Paginator(missing, PAGE).get_page(request.GET.get("page"))
    last = statistics.last_meetings(request.user, [r.code for r in page.object_list])
    context = {
        "page": page, "month": today, "query": "",
        "rows": [(region, last.get(region.code)) for region in page.object_list],
    }  # fmt: skip
    return render(request, "deliberation/cadence_missing.html", context)


@require_safe
def statistics_export(request: HttpRequest) -> HttpResponseBase:
    """The figures with their definitions, then the table by community; one audit entry
    (DELIBERATION_EXPORTED)."""
    form = _filter(request)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=422)
    period = form.period()
    community = form.cleaned_data.get("community") or ""
    figures = statistics.figures(request.user, period, community)
    columns = [excel.Column("指标或社区", 18), excel.Column("数值", 10), excel.Column("分子", 10),
               excel.Column("分母", 10), excel.Column("比率（%）", 10), excel.Column("单位", 8),
               excel.Column("口径或明细", 70)]  # fmt: skip
    rows: list[list[Any]] = [
        [r["label"], r["value"], r["numerator"], r["denominator"], r["rate"], r["unit"],
         r["definition"]]
        for r in figures.indicators()
    ]  # fmt: skip
    for c in figures.by_community:
        detail = (
            f"收集议题 {c['topics']} 项，采纳 {c['adopted']} 项，按时答复 {c['on_time']}/{c['due']}"
            f"（{_pct(c['on_time_rate'])}），召开议事会 {c['meetings']} 场，一月一会 "
            + ("未开启" if c["cadence_due"] is None
               else f"{c['cadence_met']}/{c['cadence_due']}（{_pct(c['cadence_rate'])}）")
            + f"，落地实事 {c['delivered']} 件，逾期 {c['overdue']} 件"
        )  # fmt: skip
        rows.append([f"社区：{c['name']}", c["topics"], None, None, None, "项", detail])
    for cat in figures.by_category:
        if cat["topics"] or cat["delivered"] or cat["open"]:
            detail = (
                f"收集议题 {cat['topics']} 项，落地实事 {cat['delivered']} 件，"
                f"推进中 {cat['open']} 件"
            )
            rows.append([f"类别：{cat['name']}", cat["delivered"], None, None, None, "件", detail])
    return audited_xlsx(
        request.user, verb=Verb.DELIBERATION_EXPORTED, table="deliberation_statistics",
        title="议事厅统计", columns=columns, rows=rows,
        filters={"start": period.start, "end": period.end, "community": community},
    )  # fmt: skip
