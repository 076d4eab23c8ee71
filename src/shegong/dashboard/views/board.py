"""数据看板: the indicators the caller may see for a region of their scope and a period, in
sections of cards (the figure, the change from the previous period of the same length, a
sparkline of 12 months), the rankings of streets/communities (and departments), the trend
chart; every figure drills down to the records behind it (paged, exported to Excel, audited).

Query parameters everywhere: ``region`` (a code of the caller's scope; outside it: 404),
``period`` (month, last_month, quarter, year, custom) with ``start``/``end`` for custom (a bad
period: 400 with the message), ``code`` (the indicator of the rankings and the trend).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.paging import KeyPaginator
from shegong.core.perms import Perm, require_perm
from shegong.core.registry import Indicator
from shegong.web.exports import audited_xlsx

from .. import board, figures
from ..board import BadSelection, Selection

PAGE = 50
BOARD = "dashboard/board/board.html"
RECORDS = "dashboard/board/records.html"


def _select(request: HttpRequest) -> Selection:
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    return board.select(request.user, request.GET)


def _bad(request: HttpRequest, template: str, error: BadSelection, **extra: Any) -> HttpResponse:
    context = {
        "error": error.detail,
        "error_field": error.errors[0]["field"] if error.errors else "",
        "periods": board.PERIODS,
        "params": request.GET,
        "regions": board.region_choices(request.user),
        **extra,
    }
    return render(request, template, context, status=400)


def _chosen(request: HttpRequest, indicators: list[Indicator]) -> Indicator | None:
    code = request.GET.get("code") or ""
    for indicator in indicators:
        if indicator.code == code:
            return indicator
    return indicators[0] if indicators else None


def _drill_url(sel: Selection, code: str) -> str:
    return f"{reverse('dashboard:records', args=[code])}?{sel.query()}"


@require_safe
def board_page(request: HttpRequest) -> HttpResponse:
    try:
        sel = _select(request)
    except BadSelection as error:
        return _bad(request, BOARD, error)
    indicators = board.visible(request.user)
    chosen = _chosen(request, indicators)
    sections = board.sections(sel, indicators)
    for section in sections:
        for card in section["cards"]:
            card.url = _drill_url(sel, card.code)
    context: dict[str, Any] = {
        "sel": sel,
        "periods": board.PERIODS,
        "params": request.GET,
        "regions": board.region_choices(request.user),
        "indicators": indicators,
        "sections": sections,
        "chosen": chosen,
        "rolled_at": board.rolled_at(),
        "has_rollups": board.has_rollups(),
        "query": sel.query(period=sel.kind),
    }
    if chosen is not None:
        months = figures.months_ending(sel.period.end, 12)
        series = board.monthly(sel, [chosen], months).get(chosen.code, [])
        context["ranking"] = board.ranking(sel, chosen)
        context["ranking_level"] = {"street": "街道", "community": "社区"}.get(
            board.ranking_level(sel) or "", ""
        )
        context["departments"] = board.department_ranking(sel, chosen)
        context["trend"] = {
            "name": chosen.name,
            "unit": "%" if chosen.kind == "rate" else chosen.unit,
            "months": [m.strftime("%Y-%m") for m in months],
            "values": series,
        }
        context["ranking_export"] = (
            f"{reverse('dashboard:ranking_export')}?{sel.query(code=chosen.code)}"
        )
    return render(request, BOARD, context)


def _records_context(sel: Selection, indicator: Indicator) -> dict[str, Any]:
    return {
        "sel": sel,
        "indicator": indicator,
        "figure": board.number(
            board.totals(sel, [indicator], sel.period).value(indicator.code), indicator.kind
        ),
        "board_url": f"{reverse('dashboard:board')}?{sel.query(code=indicator.code)}",
    }


@require_safe
def records_page(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind a figure; a rate's page links its numerator's and denominator's."""
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    indicator = board.visible_indicator(request.user, code)
    try:
        sel = board.select(request.user, request.GET)
    except BadSelection as error:
        return _bad(request, RECORDS, error, indicator=indicator)
    context = _records_context(sel, indicator)
    if indicator.kind == "rate":
        got = board.totals(sel, [indicator], sel.period)
        context["parts"] = [
            {
                "label": label,
                "indicator": part,
                "shown": board.number(got.value(part.code), part.kind),
                "url": _drill_url(sel, part.code),
            }
            for label, part in (
                ("分子", figures.get(indicator.numerator)),
                ("分母", figures.get(indicator.denominator)),
            )
        ]
        return render(request, RECORDS, context)
    qs = board.records(sel, indicator)
    count = qs.count()
    page = KeyPaginator(qs, PAGE, count=count).get_page(request.GET.get("page"))
    context.update(
        {
            "columns": [label for label, _ in indicator.columns],
            "rows": [
                [board.cell(obj, path) for _, path in indicator.columns] for obj in page.object_list
            ],
            "page": page,
            "count": count,
            "total": board.number(board.total_of(qs, indicator), indicator.kind),
            "query": sel.query(),
            "export_url": f"{reverse('dashboard:records_export', args=[code])}?{sel.query()}",
        }
    )
    return render(request, RECORDS, context)


def _filters(sel: Selection, **extra: str) -> dict[str, str]:
    return {
        "region": sel.region_code,
        "start": sel.period.start.isoformat(),
        "end": sel.period.end.isoformat(),
        **extra,
    }


def _excel_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@require_safe
def records_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The drill-down's records as Excel (the indicator's columns, masked by definition), one
    audit entry (DASHBOARD_EXPORTED)."""
    require_perm(request.user, Perm.DASHBOARD_VIEW)
    indicator = board.visible_indicator(request.user, code)
    if indicator.kind == "rate":
        raise NotFound("比率没有明细，请分别导出分子和分母的明细")
    try:
        sel = board.select(request.user, request.GET)
    except BadSelection as error:
        return _bad(request, RECORDS, error, indicator=indicator)
    qs = board.records(sel, indicator)
    columns = [excel.Column(label, 20) for label, _ in indicator.columns]
    rows = (
        [_excel_value(board.cell(obj, path)) for _, path in indicator.columns]
        for obj in qs.iterator(chunk_size=2000)
    )
    return audited_xlsx(
        request.user,
        verb=Verb.DASHBOARD_EXPORTED,
        table=f"dashboard_records:{indicator.code}",
        title=f"{indicator.name}明细",
        columns=columns,
        rows=rows,
        filters=_filters(sel, code=indicator.code),
        masked=True,
    )


@require_safe
def ranking_export(request: HttpRequest) -> HttpResponseBase:
    """The rankings of the chosen indicator (regions, then departments) as Excel, audited."""
    try:
        sel = _select(request)
    except BadSelection as error:
        return _bad(request, BOARD, error)
    chosen = _chosen(request, board.visible(request.user))
    if chosen is None:
        raise NotFound("没有可导出的指标")
    unit = "%" if chosen.kind == "rate" else chosen.unit
    columns = [excel.Column("排名", 6), excel.Column("类别", 8), excel.Column("名称", 24),
               excel.Column(f"{chosen.name}（{unit}）", 18)]  # fmt: skip
    level = {"street": "街道", "community": "社区"}.get(board.ranking_level(sel) or "", "")
    rows: list[list[Any]] = [
        [r["rank"], level, r["name"], r["value"]] for r in board.ranking(sel, chosen)
    ]
    rows += [
        [r["rank"], "部门", r["name"], r["value"]] for r in board.department_ranking(sel, chosen)
    ]
    return audited_xlsx(
        request.user,
        verb=Verb.DASHBOARD_EXPORTED,
        table="dashboard_ranking",
        title=f"{chosen.name}排名",
        columns=columns,
        rows=rows,
        filters=_filters(sel, code=chosen.code),
    )
