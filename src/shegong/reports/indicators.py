"""The closed loop's figures for the dashboard and the work brief (registered in ``apps.ready``;
docs/indicators.md lists them with their definitions).

The three rates are the board's (``metrics.py``, docs/metrics.md): every part counts the cases
*submitted* in the period (the cohort), so each part is a flow on ``submitted_at``, and a case
that changes later (a response, a rating) re-rolls its submission day — the case is the audit
target of every step, so no ``touched_by`` is needed. Each part keeps the lead department as
its breakdown, so departments can be ranked on the same numbers as the board.

Two parts depend on the clock as well as on the case ("a deadline has passed"): they are
counted when the day is rolled, and the SLA scan's 督办 (an audit entry on the case) re-rolls
the day when a deadline passes unanswered.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import AppointmentKind
from .metrics import NOT_ACCEPTED, RESOLVED, basic_satisfied_weight
from .models import Appointment, Report


def cases() -> Any:
    """Every case (the board's 上报: whatever became of it)."""
    return Report.objects.all()


def held() -> Any:
    """With a lead department and not closed without work (``metrics._aggregates``)."""
    return Report.objects.exclude(status__in=NOT_ACCEPTED).filter(lead_department__isnull=False)


def response_due() -> Any:
    """应响应: transferred, and answered or past the response deadline."""
    now = timezone.now()
    return held().filter(
        Q(transferred_at__isnull=False)
        & (Q(responded_at__isnull=False) | Q(response_due_at__lte=now))
    )


def responded() -> Any:
    """已响应: of the cases due a response, those answered."""
    return response_due().filter(responded_at__isnull=False)


def resolved() -> Any:
    """已办理: resolved, verified or closed, with the resolution recorded."""
    return held().filter(status__in=RESOLVED, resolved_at__isnull=False)


def resolution_due() -> Any:
    """应办理: 已办理, or past the resolution deadline without it."""
    now = timezone.now()
    return held().filter(
        Q(status__in=RESOLVED, resolved_at__isnull=False) | Q(resolution_due_at__lte=now)
    )


def rated() -> Any:
    """参评: cases with a rating."""
    return Report.objects.filter(rating__isnull=False)


def satisfied() -> Any:
    """满意 and 基本满意, each case weighing 1 (满意, 4–5 stars) or the 基本满意 weight (3 stars)
    in ``satisfaction_points``: their sum is the numerator of 满意率."""
    weight = basic_satisfied_weight()
    return (
        rated()
        .filter(rating__gte=3)
        .annotate(
            satisfaction_points=Case(
                When(rating__gte=4, then=Value(1.0)),
                default=Value(weight),
                output_field=FloatField(),
            )
        )
    )


def supervisors() -> Any:
    return Appointment.objects.filter(kind=AppointmentKind.SUPERVISOR)


def grid_riders() -> Any:
    return Appointment.objects.filter(kind=AppointmentKind.GRID_RIDER)


def supervisor_reports() -> Any:
    """Cases an appointee (城市流动监督员 or 红骑网格员) reported while in office: submitted on
    or after the appointment date and on or before its end date (``metrics.with_report_counts``);
    a case counts once even when its reporter holds both appointments."""
    in_office = Appointment.objects.filter(
        user=OuterRef("reporter_id"), appointed_on__lte=OuterRef("_submitted_on")
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("_submitted_on")))
    day = TruncDate("submitted_at", tzinfo=timezone.get_default_timezone())
    return (
        Report.objects.filter(reporter__isnull=False)
        .alias(_submitted_on=day)
        .filter(Exists(in_office))
    )


CASE_COLUMNS = (("类别", "category.name"), ("所属区划", "region.name"), ("状态", "status"),
                ("主办部门", "lead_department.name"), ("上报时间", "submitted_at"))  # fmt: skip
COHORT = "按上报时间所在日计入（同一批工单）"
SEED_RIDERS = "选聘40名外卖骑手担任城市流动监督员，9名优秀骑手受聘为红骑网格员"
LEAD = "lead_department_id"


def _part(code: str, name: str, definition: str, source: Any, order: int, **extra: Any) -> Any:
    return Indicator(
        code, name, "件", "reports", f"{definition}{COHORT}。", source=source,
        date_field="submitted_at", dim_field=LEAD, columns=CASE_COLUMNS,
        perm=Perm.REPORTS_VIEW, order=order, **extra,
    )  # fmt: skip


INDICATORS = [
    Indicator(
        "reports.cases", "随手拍上报", "件", "reports",
        "群众、监督员通过随手拍等渠道上报的全部工单（含不予受理、并单），按上报时间所在日计入；"
        "分部门统计按主办部门。",
        source=cases, date_field="submitted_at", dim_field=LEAD, columns=CASE_COLUMNS,
        sentence="随手拍受理群众上报问题{value}件", perm=Perm.REPORTS_VIEW, order=10,
    ),
    _part("reports.response_due", "应响应", "已派单给主办部门、且已响应或响应期限已过的工单"
          "（不含待受理、不予受理、并单）", response_due, 11, clock_fields=("response_due_at",)),
    _part("reports.responded", "已响应", "应响应工单中已响应的", responded, 12),
    Indicator(
        "reports.response_rate", "响应率", "%", "reports",
        "已响应 ÷ 应响应，两者为同一批按上报时间计入的工单（与督办与三率页同一口径）。",
        kind="rate", numerator="reports.responded", denominator="reports.response_due",
        sentence="响应率{value}%", perm=Perm.REPORTS_VIEW, order=13,
    ),
    _part("reports.resolution_due", "应办理", "已办理的工单，加上办理期限已过仍未办理的工单"
          "（有主办部门，不含待受理、不予受理、并单）", resolution_due, 14,
          clock_fields=("resolution_due_at",)),
    _part("reports.resolved", "已办理", "主办部门已报办理完毕且处于已办理、已核实或已办结状态"
          "的工单", resolved, 15),
    Indicator(
        "reports.completion_rate", "办结率", "%", "reports",
        "已办理 ÷ 应办理，两者为同一批按上报时间计入的工单（与督办与三率页同一口径）。",
        kind="rate", numerator="reports.resolved", denominator="reports.resolution_due",
        sentence="办结率{value}%", perm=Perm.REPORTS_VIEW, order=16,
    ),
    _part("reports.rated", "参评", "上报人已评价的工单", rated, 17),
    _part("reports.satisfied", "满意（加权）", "评价为满意（4–5星）的工单计1件、基本满意（3星）"
          "的计“基本满意权重”件（部署设置项，默认1；汇总时按当时的"
          "设置计入，修改设置后须重新汇总）之和", satisfied, 18,
          measure="satisfaction_points"),
    Indicator(
        "reports.satisfaction_rate", "满意率", "%", "reports",
        "（满意 + 权重 × 基本满意）÷ 参评，未评价的工单不计入，两者为同一批按上报时间计入的工单"
        "（与督办与三率页同一口径）。",
        kind="rate", numerator="reports.satisfied", denominator="reports.rated",
        sentence="满意率{value}%", perm=Perm.REPORTS_VIEW, order=19,
    ),
    Indicator(
        "reports.supervisors", "城市流动监督员", "名", "reports",
        "聘任为城市流动监督员的人员：聘任日期在期末之前（含）且期末前未解聘（解聘日期当日起"
        "不再计入），按负责区域统计。",
        kind="stock", source=supervisors, date_field="appointed_on", end_field="ended_on",
        columns=(("聘任单位", "appointed_by"), ("负责区域", "region.name"),
                 ("聘任日期", "appointed_on")),
        sentence="选聘{value}名外卖骑手担任城市流动监督员", seed=SEED_RIDERS,
        perm=Perm.REPORTS_VIEW, order=20,
    ),
    Indicator(
        "reports.grid_riders", "红骑网格员", "名", "reports",
        "聘任为红骑网格员的人员：聘任日期在期末之前（含）且期末前未解聘（解聘日期当日起不再"
        "计入），按负责区域统计。",
        kind="stock", source=grid_riders, date_field="appointed_on", end_field="ended_on",
        columns=(("聘任单位", "appointed_by"), ("负责区域", "region.name"),
                 ("聘任日期", "appointed_on")),
        sentence="{value}名优秀骑手受聘为红骑网格员", seed=SEED_RIDERS,
        perm=Perm.REPORTS_VIEW, order=21,
    ),
    Indicator(
        "reports.supervisor_reports", "监督员上报", "件", "reports",
        "城市流动监督员、红骑网格员在任期间（聘任日期至解聘日期，含两端）本人上报的工单，按上报"
        "时间所在日计入，同时担任两项聘任的人员的工单只计一次。",
        source=supervisor_reports, date_field="submitted_at", dim_field=LEAD,
        touched_by=(("reports.appointment", "reporter__report_appointments__id"),),
        columns=CASE_COLUMNS, sentence="监督员、网格员上报问题线索{value}件",
        perm=Perm.REPORTS_VIEW, order=22,
    ),
]  # fmt: skip
