"""节假日日历 (/system/calendar/): the district administrator enters a year's holidays and
make-up working days — one at a time, as lines of text or from an Excel file — and confirms the
year complete. The rules and the cache are ``core.workdays``; the writes ``core.actions``."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core import actions, excel, holidays, workdays
from shegong.core.checks import check_holiday_calendar
from shegong.core.htmx import redirect_after_write
from shegong.core.models import CalendarYear
from shegong.core.perms import require_calendar_admin
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm, run_action
from shegong.web.http import AuthedRequest

KIND_CHOICES = [("放假", "放假"), ("上班", "调休上班")]


class DayForm(StyledForm):
    day = forms.DateField(label="日期", widget=DATE, error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label="类型", choices=KIND_CHOICES)
    name = forms.CharField(label="名称", max_length=holidays.NAME_MAX, required=False)


class RemoveForm(StyledForm):
    day = forms.DateField(label="日期", widget=forms.HiddenInput, error_messages=DATE_ERRORS)


class ImportForm(StyledForm):
    rows = forms.CharField(
        label="按行填写",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-02-06 放假 春节"}),
    )
    file = forms.FileField(label="或上传 Excel 文件", required=False)


def _year(request: AuthedRequest) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return timezone.localdate().year
    return year if actions.CALENDAR_YEARS[0] <= year <= actions.CALENDAR_YEARS[1] else 0


def _page(request: AuthedRequest, year: int, status: int = 200, **forms_: Any) -> HttpResponse:
    today = timezone.localdate()
    marked = CalendarYear.objects.filter(year=year).first()
    context = {
        "year": year,
        "years": list(range(today.year - 1, today.year + 3)),
        "rows": holidays.year_rows(year),
        "in_package": workdays.package_covers(year),
        "marked": marked,
        "covered": workdays.calendar_covers(year),
        "check": check_holiday_calendar(today)[0],
        "day_form": forms_.get("day_form") or DayForm(initial={"kind": "放假"}),
        "import_form": forms_.get("import_form") or ImportForm(),
        "remove_error": forms_.get("remove_error", ""),
        "confirm_error": forms_.get("confirm_error", ""),
    }
    return render(request, "web/calendar.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    """GET ?year=: the year's holidays and make-up days; POST ``op`` = add, remove, import or
    confirm. A wrong entry re-renders the page with its message (4xx) and writes nothing."""
    user = request.user
    require_calendar_admin(user)
    year = _year(request)
    if not year:
        return _page(request, timezone.localdate().year, status=404)
    if request.method != "POST":
        return _page(request, year)
    here = reverse("system:calendar") + f"?year={year}"
    op = request.POST.get("op", "")
    if op == "add":
        form = DayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            workday = data["kind"] == "上班"
            name = data["name"].strip() or (holidays.DEFAULT_WORKDAY_NAME if workday else "")
            entry = holidays.Entry(data["day"], workday, name)
            if run_action(form, actions.save_calendar_day, entry, actor=user) is not None:
                messages.success(request, f"已录入 {data['day']:%Y-%m-%d}")
                return redirect_after_write(request, here)
        return _page(request, year, getattr(form, "error_status", 422), day_form=form)
    if op == "remove":
        remove = RemoveForm(request.POST)
        if remove.is_valid():
            day: date = remove.cleaned_data["day"]
            run_action(remove, actions.remove_calendar_day, day, actor=user)
            if not remove.errors:
                messages.success(request, f"已删除 {day:%Y-%m-%d}")
                return redirect_after_write(request, here)
        status = getattr(remove, "error_status", 422)
        return _page(request, year, status, remove_error=_first(remove))
    if op == "import":
        return _import(request, year, here)
    if op == "confirm":
        confirm = StyledForm(request.POST)
        done = run_action(confirm, actions.confirm_calendar_year, year, actor=user)
        if done is not None:
            messages.success(request, f"已确认 {year} 年节假日安排录入完整")
            return redirect_after_write(request, here)
        return _page(request, year, 422, confirm_error=_first(confirm))
    return _page(request, year, 400)


def _first(form: forms.Form) -> str:
    for errors in form.errors.values():
        return "；".join(str(e) for e in errors)
    return "输入有误"


def _import(request: AuthedRequest, year: int, here: str) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is not None:
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                entries = run_action(form, holidays.read_workbook, year, handle.name)
        elif form.cleaned_data["rows"].strip():
            entries = run_action(form, holidays.parse_text, year, form.cleaned_data["rows"])
        else:
            form.add_error("rows", "请按行填写日期，或上传 Excel 文件")
            entries = None
        if entries is not None:
            count = run_action(form, actions.set_calendar_year, year, entries, actor=request.user)
            if count is not None:
                messages.success(request, f"已导入 {year} 年 {count} 个日期（替换该年度原有录入）")
                return redirect_after_write(request, here)
    return _page(request, year, getattr(form, "error_status", 422), import_form=form)


@require_safe
def calendar_template(request: AuthedRequest) -> FileResponse:
    """The import template: 日期, 类型, 名称 with two example rows."""
    require_calendar_admin(request.user)
    columns = [excel.Column("日期", 14), excel.Column("类型", 10), excel.Column("名称", 20)]
    rows = [[date(2027, 1, 1), "放假", "元旦"], [date(2027, 2, 20), "上班", "调休上班"]]
    return excel.xlsx_response("节假日日历导入模板.xlsx", columns, rows, sheet_name="节假日日历")
