"""Deadlines in working days (调休) and the SLA scan: escalate once per level."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, Notification
from shegong.core.workdays import add_limit
from shegong.reports import scans
from shegong.reports.actions.reports import resolve_report, respond_report, submit_report
from shegong.reports.choices import EventKind, LimitUnit, Status
from shegong.reports.models import Report

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def end_of(*args):
    """24:00 of a day: the deadline of a limit in days (民法典 art. 203)."""
    return datetime(*args, 23, 59, 59, 999999, tzinfo=SH)


@pytest.mark.django_db
def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_saturday():
    # 2026: 10-01..10-07 off (Thu..Wed); Sat 10-10 is a make-up working day (调休).
    assert add_limit(at(2026, 9, 30, 15), 1, LimitUnit.WORKDAYS) == end_of(2026, 10, 8)
    assert add_limit(at(2026, 10, 9, 9), 1, LimitUnit.WORKDAYS) == end_of(2026, 10, 10)


@pytest.mark.django_db
def test_a_friday_case_with_one_working_day_is_due_at_the_end_of_monday():
    assert add_limit(at(2026, 11, 27, 15), 1, LimitUnit.WORKDAYS) == end_of(2026, 11, 30)


@pytest.mark.django_db
def test_beyond_the_published_calendar_weekdays_count():
    # chinese-calendar 1.11 has no data for 2027 and nothing entered: Friday 03-05 + 1 → Monday.
    assert add_limit(at(2027, 3, 5, 10), 1, LimitUnit.WORKDAYS) == end_of(2027, 3, 8)


@pytest.mark.django_db
def test_hours_and_calendar_days():
    start = at(2026, 11, 29, 8)
    assert add_limit(start, 24, LimitUnit.HOURS) == at(2026, 11, 30, 8)
    # 7 calendar days from Sunday 11-29: the last day, Sunday 12-06, is a rest day → Monday.
    assert add_limit(start, 7, LimitUnit.DAYS) == end_of(2026, 12, 7)


@pytest.mark.django_db
def test_the_scan_escalates_each_overdue_case_once_per_level(
    rider, category, handler, supervisor, dispatcher
):
    late = submit_report(
        actor=rider,
        category=category,
        description="井盖缺失",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )
    on_time = submit_report(
        actor=rider,
        category=category,
        description="路灯不亮",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )
    Report.objects.filter(pk=late.pk).update(response_due_at=timezone.now() - timedelta(hours=1))

    assert scans.escalate_overdue() == 1
    assert scans.escalate_overdue() == 0  # once per level, however often the scan runs
    late.refresh_from_db()
    assert late.escalation_level == 1 and late.was_response_overdue
    assert late.status == Status.TRANSFERRED  # escalation is not a status
    assert late.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert (
        AuditEvent.objects.filter(verb=Verb.REPORT_ESCALATED, target_id=str(late.pk)).count() == 1
    )
    assert audit.verify_chain().ok  # the scan's bulk-written entries are linked into the chain
    assert Notification.objects.filter(recipient=supervisor, event="reports.escalated").count() == 1
    assert Notification.objects.filter(recipient=dispatcher, event="reports.escalated").count() == 1
    on_time.refresh_from_db()
    assert on_time.escalation_level == 0

    Report.objects.filter(pk=late.pk).update(
        resolution_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert scans.escalate_overdue() == 1
    late.refresh_from_db()
    assert late.escalation_level == 2 and late.was_resolution_overdue


@pytest.mark.django_db
def test_a_response_stops_the_response_clock(rider, category, handler):
    report = submit_report(
        actor=rider,
        category=category,
        description="井盖缺失",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )
    respond_report(report, actor=handler)
    Report.objects.filter(pk=report.pk).update(response_due_at=timezone.now() - timedelta(hours=1))
    assert scans.escalate_overdue() == 0


@pytest.mark.django_db
def test_resolved_cases_nobody_disputes_are_verified_and_closed_after_3_days(
    rider, category, handler
):
    report = submit_report(
        actor=rider,
        category=category,
        description="井盖缺失",
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )
    resolve_report(report, actor=handler, result="已补装井盖")
    assert scans.auto_verify() == 0
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=4))
    assert scans.auto_verify() == 1
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.events.get(kind=EventKind.VERIFIED).note == "无异议，系统自动核实"
