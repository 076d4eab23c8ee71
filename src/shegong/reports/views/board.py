"""The supervisor board (督办与三率), its Excel export, and the appointments of 城市流动监督员 /
红骑网格员.

Thin adapters (STYLE.md rule 11): parse the form, scope the cases (``visible_to``), ask
``metrics`` for the numbers, render; appointing and ending call the one action each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.core import audit, excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write, render_partial_or_full
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import run_action

from .. import metrics
from ..actions import appointments as appointment_actions
from ..actions.followup import rehandle_days
from ..choices import AWAITING_RESPONSE
from ..forms.board import DATE_ERRORS, AppointForm, AppointmentFilterForm, PeriodForm
from ..metrics import Rates, Row
from ..models import Appointment, Report
from ..queries import access_appointment

PAGE_SIZE = 30
OVERDUE_SHOWN = 50


# --- the table columns, shared by the page and the Excel export ----------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    attr: str  # a Rates field or property
    kind: str  # "count", "pct" or "hours"
    on_page: bool = True
    width: int = 10


COLUMNS = [
    Column("上报", "cases", "count"),
    Column("应响应", "response_due", "count", on_page=False),
    Column("已响应", "responded", "count", on_page=False),
    Column("按时响应", "responded_on_time", "count", on_page=False),
    Column("响应率", "response_rate", "pct"),
    Column("按时响应率", "on_time_response_rate", "pct", width=12),
    Column("应办理", "resolution_due", "count"),
    Column("已办理", "resolved", "count", on_page=False),
    Column("按期办结", "resolved_on_time", "count", on_page=False),
    Column("办结率", "completion_rate", "pct"),
    Column("按期办结率", "on_time_resolution_rate", "pct", width=12),
    Column("已办结", "closed", "count", on_page=False),
    Column("回访", "followed_up", "count", on_page=False),
    Column("回访率", "followup_rate", "pct"),
    Column("回访作答", "answered", "count", on_page=False),
    Column("已解决", "solved", "count", on_page=False),
    Column("解决率", "solved_rate", "pct"),
    Column("差评", "bad_reviews", "count", on_page=False),
    Column("已重办", "rehandled", "count", on_page=False),
    Column("按期重办", "rehandled_on_time", "count", on_page=False),
    Column("按期重办率", "on_time_rehandle_rate", "pct", width=12, on_page=False),
    Column("待重办", "rehandle_pending", "count", on_page=False),
    Column("重办超期", "rehandle_overdue", "count", on_page=False),
    Column("参评", "rated", "count", on_page=False),
    Column("满意", "satisfied", "count", on_page=False),
    Column("基本满意", "basic", "count", on_page=False),
    Column("不满意", "unsatisfied", "count", on_page=False),
    Column("满意率", "satisfaction_rate", "pct"),
    Column("参评率", "participation_rate", "pct"),
    Column("平均响应（小时）", "avg_response_hours", "hours", width=16),
    Column("平均办理（小时）", "avg_resolution_hours", "hours", width=16),
    Column("当前超期", "overdue", "count"),
    Column("督办", "escalated", "count"),
]
PAGE_COLUMNS = [c for c in COLUMNS if c.on_page]


def _cell(rates: Rates, column: Column) -> dict[str, Any]:
    value = getattr(rates, column.attr)
    if value is None:
        text = "—"
    elif column.kind == "pct":
        text = f"{value}%"
    else:
        text = str(value)
    warn = column.attr in ("overdue", "escalated", "rehandle_overdue") and bool(value)
    return {"text": text, "value": "" if value is None else value, "warn": warn}


def _table(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {"key": row.key, "label": row.label, "cells": [_cell(row.rates, c) for c in PAGE_COLUMNS]}
        for row in rows
    ]


# --- the cases on the board ----------------------------------------------------------------------


def board_cases(user: Any) -> QuerySet:
    """The cases whose numbers ``user`` sees: their scope; a department member's board shows
    the cases their department leads (首接负责: the lead owns the clock)."""
    cases = Report.objects.visible_to(user)
    membership = user.active_membership
    if membership is not None and membership.department_id:
        cases = cases.filter(lead_department_id=membership.department_id)
    return cases


# --- the board -----------------------------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_SUPERVISE)
    form = PeriodForm(request.GET or None)
    period = form.chosen()
    cases = board_cases(request.user)
    now = timezone.now()
    numbers = metrics.breakdown(cases, period, now=now)
    trend = metrics.by_month(cases, metrics.trailing_months(period), now=now)
    overdue = (
        metrics.overdue_cases(cases, now=now)
        .select_related("category", "lead_department", "region")
        .only(
            "pk", "status", "submitted_at", "response_due_at", "resolution_due_at",
            "escalation_level", "category__name", "lead_department__name", "region__name",
        )[:OVERDUE_SHOWN]
    )  # fmt: skip
    context = {
        "form": form,
        "period": period,
        "total": numbers.total,
        "weight": metrics.basic_satisfied_weight(),
        "followup_target": metrics.FOLLOWUP_TARGET,
        "rehandle_days": rehandle_days(),
        "columns": PAGE_COLUMNS,
        "departments": _table(numbers.departments),
        "categories": _table(numbers.categories),
        "streets": _table(numbers.streets),
        "overdue": overdue,
        "awaiting_response": sorted(AWAITING_RESPONSE),
        "now": now,
        "chart": {
            "departments": metrics.chart_data(r for r in numbers.departments if r.key is not None),
            "trend": metrics.chart_data(trend),
        },
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/board.html", context, status=422 if form.errors else 200)


def metrics_export(request: HttpRequest) -> HttpResponse:
    """The department table of the board as an Excel file (same period, same scope)."""
    require_perm(request.user, Perm.REPORTS_SUPERVISE)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return board(request)  # the board with the period's errors (422)
    period = form.chosen()
    numbers = metrics.breakdown(board_cases(request.user), period)

    def values() -> Any:
        for row in [*numbers.departments, Row(None, "合计", numbers.total)]:
            yield [row.label, *(getattr(row.rates, c.attr) for c in COLUMNS)]

    response = excel.xlsx_response(
        f"三率统计-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx",
        [excel.Column("部门", 24), *(excel.Column(c.header, c.width) for c in COLUMNS)],
        values(),
        sheet_name="按部门",
    )
    # No personal data (departments and counts), but every export is on record.
    audit.record(
        Verb.REPORTS_EXPORTED,
        actor=request.user,
        region=getattr(request.user.active_membership, "region_id", None),
        data={
            "list": "metrics_by_department",
            "rows": int(response["X-Export-Rows"]),
            "period": [period.first.isoformat(), period.last.isoformat()],
        },
    )
    return response


# --- appointments --------------------------------------------------------------------------------


def _regions(user: Any) -> list[Region]:
    return list(
        Region.objects.visible_to(user)
        .filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID])
        .order_by("code")
    )


def _appointments(request: HttpRequest, regions: list[Region]) -> tuple[Any, QuerySet]:
    form = AppointmentFilterForm(request.GET or None, regions=regions)
    qs = Appointment.objects.visible_to(request.user).select_related("user", "region")
    if not form.is_bound:
        qs = qs.filter(active=True)
    elif form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["active"] in ("0", "1"):
            qs = qs.filter(active=data["active"] == "1")
        if data["region"]:
            qs = in_subtree(qs, Region.objects.get(code=data["region"]).prefix)
    else:
        qs = qs.none()
    return form, metrics.with_report_counts(qs.order_by("-appointed_on", "pk"))


def _appointment_rows(page: Any) -> list[dict[str, Any]]:
    return [
        {"appointment": a, "valid_rate": metrics.valid_rate(a.report_count, a.invalid_count)}
        for a in page
    ]


def appointments(
    request: HttpRequest, appoint_form: AppointForm | None = None, status: int = 200
) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_VIEW)
    regions = _regions(request.user)
    form, qs = _appointments(request, regions)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_configure = request.user.has_perm_in_scope(Perm.REPORTS_CONFIGURE)
    if can_configure and appoint_form is None:
        appoint_form = AppointForm(
            actor=request.user, regions=regions, initial={"appointed_on": timezone.localdate()}
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": _appointment_rows(page),
        "query": query.urlencode(),
        "can_configure": can_configure,
        "appoint_form": appoint_form if can_configure else None,
        "today": timezone.localdate(),
    }
    if form.errors or (appoint_form is not None and appoint_form.errors):
        status = 422
    return render_partial_or_full(
        request, "reports/appointments.html", context, "reports/appointments_table.html",
        status=status,
    )  # fmt: skip


@require_POST
def appoint(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_CONFIGURE)
    form = AppointForm(request.POST, actor=request.user, regions=_regions(request.user))
    if form.is_valid():
        data = form.cleaned_data
        appointment = run_action(
            form, appointment_actions.appoint,
            data["phone"], actor=request.user, kind=data["kind"],
            appointed_by=data["appointed_by"], appointed_on=data["appointed_on"],
            region=data["region"], field_map={"user": "phone"},
        )  # fmt: skip
        if not form.errors:
            messages.success(
                request,
                f"已聘任 {appointment.user.name_masked} 为{appointment.get_kind_display()}",
            )
            return redirect_after_write(request, reverse("reports:appointments"))
    return appointments(request, appoint_form=form)


@require_POST
def appointment_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_VIEW)
    appointment = access_appointment(request.user, pk)  # out of scope: 404 before 403
    require_perm(request.user, Perm.REPORTS_CONFIGURE)
    field = forms.DateField(required=False, error_messages=DATE_ERRORS)
    try:
        ended_on = field.clean(request.POST.get("ended_on")) or timezone.localdate()
        appointment_actions.end_appointment(appointment, actor=request.user, ended_on=ended_on)
    except (forms.ValidationError, DomainError) as exc:
        detail = getattr(exc, "detail", None) or "；".join(getattr(exc, "messages", []))
        messages.error(request, f"未能解聘 {appointment.user.name_masked}：{detail}")
        return appointments(request, status=422)
    messages.success(
        request, f"已解聘 {appointment.user.name_masked}（{appointment.get_kind_display()}）"
    )
    return redirect_after_write(request, reverse("reports:appointments"))


def appointments_export(request: HttpRequest) -> HttpResponse:
    """The filtered appointment list as Excel; names and phones masked as on the page."""
    require_perm(request.user, Perm.REPORTS_VIEW)
    _, qs = _appointments(request, _regions(request.user))

    def values() -> Any:
        for a in qs.iterator(chunk_size=1000):
            yield [
                str(a.user), a.get_kind_display(), a.appointed_by, a.appointed_on,
                a.region.name, a.active, a.ended_on, a.report_count,
                a.report_count - a.invalid_count,
                metrics.valid_rate(a.report_count, a.invalid_count),
            ]  # fmt: skip

    columns = [
        excel.Column("人员", 22), excel.Column("聘任类型", 14), excel.Column("聘任单位", 22),
        excel.Column("聘任日期", 12), excel.Column("负责区域", 16), excel.Column("在任", 6),
        excel.Column("解聘日期", 12), excel.Column("上报件数", 10), excel.Column("有效件数", 10),
        excel.Column("有效上报率（%）", 14),
    ]  # fmt: skip
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = excel.xlsx_response(f"监督员-{stamp}.xlsx", columns, values(), sheet_name="监督员")
    audit.record(
        Verb.REPORTS_EXPORTED,
        actor=request.user,
        region=getattr(request.user.active_membership, "region_id", None),
        data={"list": "appointments", "rows": int(response["X-Export-Rows"])},
    )
    return response


__all__ = [
    "appoint",
    "appointment_end",
    "appointments",
    "appointments_export",
    "board",
    "board_cases",
    "metrics_export",
]


@require_safe
def definitions(request: HttpRequest) -> HttpResponse:
    """统计口径: how every number of the board and the appointments list is counted, in words
    (the board and the appointments page link here instead of naming a file of the repository)."""
    require_perm(request.user, Perm.REPORTS_VIEW)
    context = {
        "weight": metrics.basic_satisfied_weight(),
        "followup_target": metrics.FOLLOWUP_TARGET,
        "rehandle_days": rehandle_days(),
    }
    return render(request, "reports/definitions.html", context)
