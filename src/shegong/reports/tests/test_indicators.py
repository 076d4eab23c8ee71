"""The closed loop's indicators on hand-built cases: the dashboard's 响应率, 办结率 and 满意率
(and their parts) equal the board's ``metrics.summary`` for the same cohort, the hand count,
the raw records and the drill-down; a later step on a case re-rolls its submission day; the
appointments and the appointees' reports follow the appointment actions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.periods import Period
from shegong.core.perms import Role
from shegong.dashboard import figures, rollup
from shegong.reports import metrics
from shegong.reports.actions.appointments import appoint, end_appointment
from shegong.reports.actions.reports import reject_report, respond_report
from shegong.reports.models import Report
from shegong.reports.tests.test_metrics import close, move, submit

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
PARTS = ["reports.response_due", "reports.responded", "reports.resolution_due",
         "reports.resolved", "reports.rated", "reports.satisfied"]  # fmt: skip
RATES = ["reports.response_rate", "reports.completion_rate", "reports.satisfaction_rate"]


@pytest.fixture(autouse=True)
def _default_weight(settings):
    settings.SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 1.0


@pytest.fixture
def rider_b(district):
    return testing.user(Role.WORKER, district["community_b"], name="骑手小李")


@pytest.fixture
def loop(rider, rider_b, category, unrouted_category, handler, dispatcher):
    """Seven cases submitted today (street A unless said):

    - answered: responded, not resolved — 应响应, 已响应;
    - overdue: response and resolution deadlines passed unanswered — 应响应, 应办理;
    - waiting: transferred, deadlines ahead — in no rate;
    - closed with 5, 3 and 1 stars (the 1-star one in street B) — 应响应, 已响应, 应办理,
      已办理, 参评 each; 满意 5, 基本满意 3;
    - rejected at the desk — only in 上报.
    """
    made = {"answered": submit(rider, category)}
    respond_report(made["answered"], actor=handler)
    made["overdue"] = submit(rider, category)
    past = timezone.now() - HOUR
    move(made["overdue"], response_due_at=past, resolution_due_at=past)
    made["waiting"] = submit(rider, category)
    made["five"] = close(submit(rider, category), handler, rider, 5)
    made["three"] = close(submit(rider, category), handler, rider, 3)
    made["one"] = close(submit(rider_b, category, testing.POINT_B), handler, rider_b, 1)
    made["rejected"] = submit(rider, unrouted_category)
    reject_report(made["rejected"], actor=dispatcher, reason="invalid", note="无效信息")
    return made


def today_period() -> tuple[Period, metrics.Period]:
    today = timezone.localdate()
    return Period(today, today), metrics.Period(today, today)


def test_the_rates_equal_the_board_for_the_same_cohort(loop):
    rollup.backfill()
    period, board_period = today_period()
    got = figures.totals(["reports.cases", *PARTS, *RATES], "", period)
    board = metrics.summary(Report.objects.all(), board_period)
    assert got.value("reports.cases") == board.cases == 7
    assert got.value("reports.response_due") == board.response_due == 5
    assert got.value("reports.responded") == board.responded == 4
    assert got.value("reports.resolution_due") == board.resolution_due == 4
    assert got.value("reports.resolved") == board.resolved == 3
    assert got.value("reports.rated") == board.rated == 3
    assert got.value("reports.satisfied") == board.satisfied + board.basic == 2
    assert got.value("reports.response_rate") == board.response_rate == 80.0
    assert got.value("reports.completion_rate") == board.completion_rate == 75.0
    assert got.value("reports.satisfaction_rate") == board.satisfaction_rate == 66.7
    for code in [*PARTS, *RATES]:
        assert figures.raw_value(code, "", period) == got.value(code), code
    for code in PARTS[:-1]:
        assert figures.records(figures.get(code), "", period).count() == got.value(code), code


def test_the_satisfaction_rate_uses_the_weight_setting(loop, settings):
    settings.SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 0.5
    rollup.backfill()
    period, board_period = today_period()
    board = metrics.summary(Report.objects.all(), board_period)
    got = figures.totals(["reports.satisfaction_rate"], "", period)
    assert got.value("reports.satisfaction_rate") == board.satisfaction_rate == 50.0  # 1.5 ÷ 3
    assert figures.raw_value("reports.satisfied", "", period) == 1.5


def test_by_street_and_by_lead_department(loop, department_a):
    rollup.backfill()
    period, _ = today_period()
    street_a = figures.totals(RATES, "341271001", period)
    assert street_a.value("reports.satisfaction_rate") == 100.0  # 5 and 3 stars
    assert figures.raw_value("reports.satisfaction_rate", "341271002", period) == 0.0
    by_dim = figures.totals(["reports.cases", "reports.response_rate"], "", period, by="dim")
    # The rejected case never had a lead department: it counts in 上报 under NO_DIM ("-"), the
    # board's row 区指挥中心（未派单）.
    assert by_dim.values["reports.cases"] == {str(department_a.pk): 6, rollup.NO_DIM: 1}
    assert by_dim.value("reports.response_rate", str(department_a.pk)) == 80.0


def test_a_later_response_re_rolls_the_day_the_case_was_submitted(rider, category, handler):
    report = submit(rider, category)
    submitted = timezone.now() - timedelta(days=3)
    move(report, submitted_at=submitted, response_due_at=timezone.now() - HOUR)
    rollup.backfill()
    day = timezone.localdate(submitted)
    period = Period(day, day)
    assert figures.totals(RATES, "", period).value("reports.response_rate") == 0.0
    respond_report(Report.objects.get(pk=report.pk), actor=handler)
    assert rollup.roll_all_changes().days >= 1
    assert figures.totals(RATES, "", period).value("reports.response_rate") == 100.0
    assert not rollup.drift(day, timezone.localdate())


def test_a_deadline_passing_re_rolls_its_day_without_any_action(rider, category):
    """应响应 counts an unanswered case once its deadline has passed: time alone moves it, and
    the next step re-rolls its submission day (``clock_fields``) with no audit entry."""
    from shegong.dashboard.models import RollupState

    report = submit(rider, category)
    submitted = timezone.now() - timedelta(days=3)
    move(report, submitted_at=submitted, response_due_at=timezone.now() + HOUR)
    rollup.backfill()
    day = timezone.localdate(submitted)
    period = Period(day, day)
    assert figures.totals(PARTS, "", period).value("reports.response_due") == 0
    # An hour and a minute later (the step before ran "then"), nobody has answered.
    RollupState.objects.filter(name="changes").update(rolled_at=timezone.now() - 2 * HOUR)
    move(report, response_due_at=timezone.now() - HOUR)
    assert rollup.roll_all_changes().days == 1
    assert figures.totals(PARTS, "", period).value("reports.response_due") == 1
    assert figures.totals(RATES, "", period).value("reports.response_rate") == 0.0
    assert not rollup.drift(day, day)
    # The deadline is behind the last step now: the next step re-rolls nothing.
    assert rollup.roll_all_changes().days == 0


def test_appointments_and_the_appointees_reports(
    district, district_admin, rider, rider_b, category
):
    today = timezone.localdate()
    start = date(2026, 3, 1)
    appointment = appoint(
        rider, actor=district_admin, kind="supervisor", appointed_by="示范区城管局",
        appointed_on=start, region=district["community_a"],
    )  # fmt: skip
    appoint(
        rider_b, actor=district_admin, kind="grid_rider", appointed_by="西关社区",
        appointed_on=start, region=district["grid_b"],
    )  # fmt: skip
    appoint(
        rider_b, actor=district_admin, kind="supervisor", appointed_by="示范区城管局",
        appointed_on=start, region=district["community_b"],
    )  # fmt: skip
    mine = [submit(rider, category) for _ in range(2)]
    before = submit(rider, category)  # before the appointment: not the supervisor's work
    move(before, submitted_at=timezone.make_aware(datetime(2026, 2, 20, 12)))
    submit(rider_b, category, testing.POINT_B)  # both appointments: counted once
    resident = testing.user(Role.RESIDENT, district["community_a"], name="居民小张")
    submit(resident, category)
    rollup.backfill()
    year = Period(date(2026, 1, 1), today)
    codes = ["reports.supervisors", "reports.grid_riders", "reports.supervisor_reports"]
    got = figures.totals(codes, "", year)
    assert [got.value(c) for c in codes] == [2, 1, 3]
    for code in codes:
        assert figures.raw_value(code, "", year) == got.value(code)
        assert figures.records(figures.get(code), "", year).count() == got.value(code)
    assert figures.totals(codes, "341271001", year).value("reports.supervisors") == 1
    feb = Period(date(2026, 2, 1), date(2026, 2, 28))
    assert figures.totals(codes, "", feb).value("reports.supervisors") == 0

    # Ending the rider's appointment yesterday: today's reports are no longer in office.
    end_appointment(appointment, actor=district_admin, ended_on=today - timedelta(days=1))
    rollup.roll_all_changes()
    got = figures.totals(codes, "", Period(today, today))
    assert got.value("reports.supervisors") == 1
    assert got.value("reports.supervisor_reports") == 1
    assert len(mine) == 2 and not rollup.drift(date(2026, 1, 1), today)
