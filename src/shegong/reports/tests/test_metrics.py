"""The three rates on hand-built cases (docs/metrics.md): each numerator and denominator.

Cases are built through the actions, then their timestamps are moved with ``update()`` so that
on time, late and overdue are deterministic.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.reports import metrics
from shegong.reports.actions.reports import (
    merge_reports,
    rate_report,
    reassign_report,
    reject_report,
    reopen_report,
    resolve_report,
    respond_report,
    return_report,
    submit_report,
    verify_report,
)
from shegong.reports.choices import RejectReason, Status
from shegong.reports.metrics import Period
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def submit(actor, category, point=testing.POINT_A):
    return submit_report(
        actor=actor, category=category, description="井盖缺失", lat=point[0], lon=point[1]
    )


def move(report, **fields):
    Report.objects.filter(pk=report.pk).update(**fields)


def close(report, handler, reporter, rating=None):
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=reporter)
    if rating is not None:
        rate_report(report, actor=reporter, rating=rating)
    return Report.objects.get(pk=report.pk)


def now_rates(**kwargs):
    return metrics.summary(Report.objects.all(), Period.this_month(), **kwargs)


@pytest.fixture(autouse=True)
def _default_weight(settings):
    settings.SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 1.0


# --- 响应率 / 按时响应率 ---------------------------------------------------------------------


def test_response_rate_counts_responses_over_the_cases_whose_response_is_due(
    rider, category, unrouted_category, handler
):
    on_time = submit(rider, category)
    respond_report(on_time, actor=handler)

    late = submit(rider, category)
    respond_report(late, actor=handler)
    late.refresh_from_db()
    move(late, responded_at=late.transferred_at + 30 * HOUR)  # the limit is 24 h

    escalated = submit(rider, category)  # answered in time by the clock, but 督办 was sent
    respond_report(escalated, actor=handler)
    move(escalated, was_response_overdue=True)

    missed = submit(rider, category)  # no answer, deadline passed
    move(missed, response_due_at=timezone.now() - HOUR)

    submit(rider, category)  # no answer yet, deadline ahead: not due
    submit(rider, unrouted_category)  # at the dispatch desk: no department's clock

    rates = now_rates()
    assert rates.cases == 6
    assert rates.response_due == 4
    assert rates.responded == 3
    assert rates.responded_on_time == 1
    assert rates.response_rate == 75.0
    assert rates.on_time_response_rate == 25.0


def test_a_returned_case_back_at_dispatch_is_not_held_against_anyone(rider, category, handler):
    report = submit(rider, category)
    respond_report(report, actor=handler)
    return_report(report, actor=handler, reason="不属于本部门")
    rates = now_rates()
    assert (rates.cases, rates.response_due, rates.resolution_due) == (1, 0, 0)
    assert rates.response_rate is None  # nothing to rate: shown as "—"


# --- 解决率 ----------------------------------------------------------------------------------


def test_completion_rate_counts_resolved_cases_over_those_due_or_done(
    rider, category, unrouted_category, handler, dispatcher
):
    closed = close(submit(rider, category), handler, rider)
    resolved = submit(rider, category)
    resolve_report(resolved, actor=handler, result="已清理")
    resolved.refresh_from_db()
    move(resolved, resolved_at=resolved.resolution_due_at + HOUR)  # resolved, but late

    overdue = submit(rider, category)
    respond_report(overdue, actor=handler)
    move(overdue, resolution_due_at=timezone.now() - HOUR)

    submit(rider, category)  # in hand, time left: not yet due

    reopened = close(submit(rider, category), handler, rider)
    reopen_report(reopened, actor=rider, reason="没修好")  # new clock, time left

    rejected = submit(rider, unrouted_category)
    reject_report(rejected, actor=dispatcher, reason=RejectReason.INVALID, note="无效")
    main, duplicate = submit(rider, unrouted_category), submit(rider, unrouted_category)
    merge_reports(duplicate, into=main, actor=dispatcher)

    rates = now_rates()
    assert rates.resolution_due == 3  # closed, resolved, overdue
    assert rates.resolved == 2
    assert rates.resolved_on_time == 1  # the late one is resolved, not on time
    assert rates.completion_rate == pytest.approx(66.7)
    assert closed.status == Status.CLOSED


def test_escalation_for_resolution_makes_a_resolution_late(rider, category, handler):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    move(report, was_resolution_overdue=True)
    rates = now_rates()
    assert (rates.resolved, rates.resolved_on_time, rates.escalated) == (1, 0, 1)


# --- 满意率 ----------------------------------------------------------------------------------


def test_satisfaction_leaves_unrated_cases_out_and_reports_participation(rider, category, handler):
    for rating in (5, 4, 3, 1, None):
        close(submit(rider, category), handler, rider, rating)
    rates = now_rates()
    assert (rates.closed, rates.rated) == (5, 4)
    assert (rates.satisfied, rates.basic, rates.unsatisfied) == (2, 1, 1)
    assert rates.satisfaction_rate == 75.0  # (2 + 1 × 1) ÷ 4: the unrated one is not a "no"
    assert rates.participation_rate == 80.0  # 4 of 5 closed cases were rated


def test_basic_satisfaction_counts_with_the_configured_weight(settings, rider, category, handler):
    for rating in (5, 4, 3, 2):
        close(submit(rider, category), handler, rider, rating)
    settings.SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 0.5
    assert now_rates().satisfaction_rate == 62.5  # (2 + 0.5 × 1) ÷ 4
    settings.SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 0.0
    assert now_rates().satisfaction_rate == 50.0


# --- times, overdue, period --------------------------------------------------------------------


def test_average_response_and_resolution_hours_run_from_the_transfer(rider, category, handler):
    for hours in (2, 4):
        report = submit(rider, category)
        resolve_report(report, actor=handler, result="已修复")
        report.refresh_from_db()
        move(
            report,
            responded_at=report.transferred_at + hours * HOUR,
            resolved_at=report.transferred_at + 10 * hours * HOUR,
        )
    rates = now_rates()
    assert rates.avg_response_hours == 3.0
    assert rates.avg_resolution_hours == 30.0


def test_overdue_is_a_snapshot_now_whatever_the_period(rider, category, handler):
    old = submit(rider, category)
    long_ago = timezone.now() - timedelta(days=70)
    move(old, submitted_at=long_ago, response_due_at=timezone.now() - HOUR)
    answered = submit(rider, category)
    respond_report(answered, actor=handler)
    move(answered, response_due_at=timezone.now() - HOUR)  # answered: the resolution clock runs
    fresh = submit(rider, category)
    rates = now_rates()
    assert rates.cases == 2  # the old case is not in this month's cohort…
    assert rates.overdue == 1  # …but it is overdue now
    overdue = list(metrics.overdue_cases(Report.objects.all()))
    assert overdue == [Report.objects.get(pk=old.pk)]
    assert [r.overdue() for r in Report.objects.filter(pk__in=[answered.pk, fresh.pk])] == [
        False,
        False,
    ]


def test_a_case_counts_in_the_period_it_was_submitted(rider, category):
    report = submit(rider, category)
    last_month = Period.last_month()
    move(report, submitted_at=last_month.start + timedelta(days=2))
    assert now_rates().cases == 0
    assert metrics.summary(Report.objects.all(), last_month).cases == 1
    assert Period(date(2026, 2, 1), date(2026, 2, 28)).label == "2026年2月"
    assert Period.last_month(date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))


def test_the_monthly_trend_has_every_month_even_without_cases(rider, category):
    report = submit(rider, category)
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    move(report, submitted_at=Period.month_of(date(2026, 2, 10)).start + HOUR)
    rows = metrics.by_month(Report.objects.all(), period)
    assert [(row.label, row.rates.cases) for row in rows] == [
        ("2026-01", 0),
        ("2026-02", 1),
        ("2026-03", 0),
    ]
    trend = metrics.trailing_months(Period.month_of(date(2026, 3, 5)))
    assert (trend.first, trend.last) == (date(2025, 4, 1), date(2026, 3, 31))


# --- grouping ----------------------------------------------------------------------------------


def test_rates_group_by_lead_department_category_and_street(
    district, rider, category, handler, department_b, other_handler
):
    food = testing.report_category("food", "食品安全", group="民生诉求")
    testing.routing_rule(food, district["district"], department_b)
    rider_b = testing.user(Role.WORKER, district["community_b"], name="西城骑手")
    respond_report(submit(rider, category), actor=handler)
    submit(rider_b, category, testing.POINT_B)
    respond_report(submit(rider_b, food, testing.POINT_B), actor=other_handler)
    for report in Report.objects.all():
        move(report, response_due_at=timezone.now() - HOUR)
    cases = Report.objects.all()
    period = Period.this_month()

    departments = {row.label: row.rates for row in metrics.by_department(cases, period)}
    assert set(departments) == {"城管局", "市场监管局"}
    assert (departments["城管局"].response_due, departments["城管局"].responded) == (2, 1)
    assert departments["市场监管局"].response_rate == 100.0

    categories = {row.label: row.rates.cases for row in metrics.by_category(cases, period)}
    assert categories == {"道路破损": 2, "食品安全": 1}

    streets = {row.label: (row.key, row.rates.cases) for row in metrics.by_street(cases, period)}
    assert streets == {"东城街道": ("341271001000", 1), "西城街道": ("341271002000", 2)}
    communities = {row.label: row.rates.cases for row in metrics.by_community(cases, period)}
    assert communities == {"东关社区": 1, "西关社区": 2}


def test_each_grouping_is_one_query(django_assert_num_queries, rider, category, handler, district):
    for _ in range(3):
        respond_report(submit(rider, category), actor=handler)
    cases, period = Report.objects.all(), Period.this_month()
    with django_assert_num_queries(1):
        metrics.summary(cases, period)
    with django_assert_num_queries(2):  # the groups, then their names
        metrics.by_department(cases, period)
    with django_assert_num_queries(1):
        metrics.by_month(cases, period)
    with django_assert_num_queries(4):  # one grouped query, then the three tables' names
        metrics.breakdown(cases, period)


def test_the_boards_breakdown_rolls_up_to_the_same_numbers_as_each_grouping(
    district, rider, category, handler, department_b, other_handler
):
    food = testing.report_category("food", "食品安全", group="民生诉求")
    testing.routing_rule(food, district["district"], department_b)
    close(submit(rider, category), handler, rider, rating=3)
    respond_report(submit(rider, food, testing.POINT_B), actor=other_handler)
    submit(rider, category, testing.POINT_B)
    cases, period = Report.objects.all(), Period.this_month()
    numbers = metrics.breakdown(cases, period)
    assert numbers.total == metrics.summary(cases, period)

    def table(rows):
        return [(row.label, row.rates) for row in rows]

    assert table(numbers.departments) == table(metrics.by_department(cases, period))
    assert table(numbers.categories) == table(metrics.by_category(cases, period))
    assert table(numbers.streets) == table(metrics.by_street(cases, period))


def test_a_department_members_scope_counts_each_case_once(
    rider, category, handler, dispatcher, department_b
):
    """visible_to of a department member joins assignments; a case assigned to the department
    twice (transferred back to it) must still count once."""
    report = submit(rider, category)
    reassign_report(report, actor=dispatcher, department=department_b, note="改派")
    report.refresh_from_db()
    from shegong.accounts.models import Department

    reassign_report(
        report, actor=dispatcher, department=Department.objects.get(code="cgj"), note="改回"
    )
    scoped = Report.objects.visible_to(handler)
    assert scoped.count() == 1
    assert metrics.summary(scoped, Period.this_month()).cases == 1
    assert [row.rates.cases for row in metrics.by_department(scoped, Period.this_month())] == [1]


def test_a_roll_up_of_durations_equals_the_total_to_the_microsecond():
    # Groups of 0.01 s and 0.011666 s add up to the 0.021666 s the database sums itself, not
    # to 0.021665999999999998 (a float sum once failed the test above on PostgreSQL).
    total = metrics.Rates(response_seconds=0.01) + metrics.Rates(response_seconds=0.011666)
    assert (
        total.response_seconds
        == metrics.Rates.from_row({"response_time": 0.021666}, weight=1.0).response_seconds
        == 0.021666
    )
