"""统计分析 (/socialorgs/stats/): every registered indicator of a year, the charts, and the
page's Excel export (audited)."""

from __future__ import annotations

import tempfile
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.downloads import content_disposition
from shegong.core.excel import XLSX_CONTENT_TYPE
from shegong.core.perms import Perm, require_perm

from .. import stats
from ..forms import StatsForm

YEARS_OFFERED = 10


def _form(request: HttpRequest) -> tuple[StatsForm, int, str]:
    """The bound form and the year and region it chose (defaults when left out)."""
    user = request.user
    this_year = timezone.localdate().year
    form = StatsForm(
        request.GET or None,
        years=list(range(this_year, this_year - YEARS_OFFERED, -1)),
        regions=stats.region_choices(user),
    )
    year, region = stats.default_year(), ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        region = form.cleaned_data["region"] or ""
    if not form.is_bound:
        form = StatsForm(
            initial={"year": year},
            years=list(range(this_year, this_year - YEARS_OFFERED, -1)),
            regions=stats.region_choices(user),
        )
    return form, year, region


@require_safe
def stats_page(request: HttpRequest) -> HttpResponse:
    """统计分析: the year's figures by section, each linking to its list, and the charts."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form, year, region = _form(request)
    if form.is_bound and form.errors:
        return render(request, "socialorgs/stats.html", {"form": form}, status=422)
    tables = stats.charts(user, year, region)
    sections = stats.figures(user, year, region)
    for section in sections:
        for row in section["rows"]:
            if row["denominator"] is not None:
                row["text"] = stats.rate_text(row)
    return render(
        request,
        "socialorgs/stats.html",
        {
            "form": form,
            "year": year,
            "region": region,
            "region_name": dict(stats.region_choices(user)).get(region, "").strip(),
            "sections": sections,
            "tables": tables,
            "chart": stats.chart_data(tables),
        },
    )


def _indicator_rows(sections: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for section in sections:
        for row in section["rows"]:
            if row.get("not_regional"):
                value: Any = "不按区划细分"
            elif row["denominator"] is not None:
                value = stats.rate_text(row)
            else:
                value = row["value"] if row["value"] is not None else "不适用"
            rows.append(
                [
                    section["title"], row["label"], value, row["numerator"], row["denominator"],
                    row["rate"], row["unit"], row["definition"],
                ]
            )  # fmt: skip
    return rows


def _sheet(book: Any, name: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.add_worksheet(name)
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for col, title in enumerate(header):
        sheet.set_column(col, col, 40 if title == "定义" else 16)
        sheet.write_string(0, col, title, bold)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))


@require_safe
def stats_export(request: HttpRequest) -> HttpResponse:
    """The page's figures as xlsx: one sheet of indicators with their definitions, one per
    chart's table; the export is audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form, year, region = _form(request)
    if form.is_bound and form.errors:
        return render(request, "socialorgs/stats.html", {"form": form}, status=422)
    sections = stats.figures(user, year, region)
    tables = stats.charts(user, year, region)
    indicator_rows = _indicator_rows(sections)
    target = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    _sheet(
        book, "指标",
        ["分组", "指标", "数值", "分子", "分母", "比率（%）", "单位", "定义"], indicator_rows,
    )  # fmt: skip
    _sheet(book, "按类型", ["类型", "存续的社会组织（家）"],
           [[r["label"], r["n"]] for r in tables["by_type"]])  # fmt: skip
    _sheet(book, "按登记状态", ["登记状态", "社会组织（家）"],
           [[r["label"], r["n"]] for r in tables["by_status"]])  # fmt: skip
    _sheet(book, "按街道", ["街道", "存续的社会组织（家）"],
           [[r["label"], r["n"]] for r in tables["by_street"]])  # fmt: skip
    _sheet(book, "按年度", ["年度", "新登记（家）", "撤销/吊销/注销（家）"],
           [[r["year"], r["registered"], r["closed"]] for r in tables["by_year"]])  # fmt: skip
    book.close()
    target.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"社会组织统计-{year}-{stamp}.xlsx")
    response["X-Export-Rows"] = str(len(indicator_rows))
    membership = user.active_membership
    audit.record(
        Verb.SOCIAL_ORG_STATS_EXPORTED,
        actor=user,
        region=membership.region_id if membership is not None else None,
        data={
            "table": "socialorg_stats",
            "rows": len(indicator_rows),
            "filters": {k: str(v) for k, v in {"year": year, "region": region}.items() if v},
        },
    )
    return response
