"""The case lifecycle through the actions: 接-派-办-评, with the timeline and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.reports.actions.reports import (
    merge_reports,
    rate_report,
    reject_report,
    reopen_report,
    resolve_report,
    respond_report,
    return_report,
    submit_report,
    transfer_report,
    verify_report,
)
from shegong.reports.choices import EventKind, RejectReason, Status
from shegong.reports.models import Follower, Report

pytestmark = pytest.mark.django_db


def submit(actor, category, point=testing.POINT_A, **kwargs):
    kwargs.setdefault("description", "人行道地砖松动，老人容易绊倒")
    return submit_report(actor=actor, category=category, lat=point[0], lon=point[1], **kwargs)


def kinds(report):
    return [e.kind for e in report.events.order_by("at", "id")]


def test_a_routed_report_goes_straight_to_its_department_with_a_24_hour_clock(
    rider, category, department_a, handler, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(rider, category)
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED
    assert report.region_id == "341271001001001"  # located to grid A
    assert report.lead_department == department_a
    assert report.response_due_at - before >= timedelta(hours=24)
    assert report.response_due_at - before < timedelta(hours=24, seconds=30)
    assert report.resolution_due_at > report.response_due_at
    assert kinds(report) == [EventKind.SUBMITTED, EventKind.TRANSFERRED]
    assert AuditEvent.objects.filter(
        verb=Verb.REPORT_TRANSFERRED, target_id=str(report.pk)
    ).exists()
    assert Notification.objects.filter(recipient=handler, event="reports.transferred").exists()
    told = Notification.objects.get(recipient=rider)  # one message, not "received" + "sent on"
    assert told.event == "reports.received" and "已转城管局办理" in told.body


def test_an_unrouted_report_waits_at_the_dispatch_desk(rider, unrouted_category, dispatcher):
    report = submit(rider, unrouted_category)
    assert report.status == Status.SUBMITTED
    assert report.lead_department is None
    assert Notification.objects.filter(recipient=dispatcher, event="reports.to_dispatch").exists()


def test_the_most_specific_routing_rule_wins(district, rider, department_a, department_b):
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    testing.routing_rule(category, district["street_a"], department_b)
    assert submit(rider, category).lead_department == department_b
    assert submit(rider, category, point=testing.POINT_B).lead_department == department_a


def test_the_whole_loop_from_report_to_rating(rider, category, handler, dispatcher):
    report = submit(rider, category)
    report = respond_report(report, actor=handler, note="已安排人员前往")
    assert report.status == Status.RESPONDED and report.responded_at is not None
    report = resolve_report(report, actor=handler, result="已更换松动地砖")
    assert report.status == Status.RESOLVED
    report = verify_report(report, actor=rider)
    assert report.status == Status.CLOSED and report.closed_at is not None
    report = rate_report(report, actor=rider, rating=5, comment="很快")
    assert report.satisfaction == "满意"
    assert kinds(report) == [
        EventKind.SUBMITTED,
        EventKind.TRANSFERRED,
        EventKind.RESPONDED,
        EventKind.RESOLVED,
        EventKind.VERIFIED,
        EventKind.CLOSED,
        EventKind.RATED,
    ]
    department_steps = report.events.filter(kind__in=[EventKind.RESPONDED, EventKind.RESOLVED])
    assert {e.actor_label for e in department_steps} == {"城管局"}  # never the handler's name


def test_resolving_a_closed_report_is_a_409_listing_the_allowed_steps(rider, category, handler):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=rider)
    with pytest.raises(IllegalTransition) as caught:
        resolve_report(report, actor=handler, result="再次修复")
    assert caught.value.status == 409
    assert "已重启" in caught.value.detail


def test_another_departments_handler_cannot_act(rider, category, other_handler):
    report = submit(rider, category)
    with pytest.raises(NotPermitted):
        respond_report(report, actor=other_handler)
    assert Report.objects.get(pk=report.pk).status == Status.TRANSFERRED


def test_a_returned_report_goes_back_to_dispatch_and_can_be_sent_elsewhere(
    rider, category, handler, dispatcher, department_b
):
    report = submit(rider, category)
    report = return_report(report, actor=handler, reason="属于市场监管职责")
    assert report.status == Status.RETURNED and report.lead_department is None
    report = transfer_report(report, actor=dispatcher, department=department_b)
    assert report.status == Status.TRANSFERRED and report.lead_department == department_b


def test_two_transfers_of_the_same_case_one_wins_the_other_is_409(
    rider, unrouted_category, dispatcher, department_a, department_b
):
    report = submit(rider, unrouted_category)
    transfer_report(report, actor=dispatcher, department=department_a)
    with pytest.raises(IllegalTransition):
        transfer_report(report, actor=dispatcher, department=department_b)
    assert Report.objects.get(pk=report.pk).lead_department == department_a


def test_rejecting_needs_a_reason_the_reporter_sees(rider, unrouted_category, dispatcher):
    report = submit(rider, unrouted_category)
    with pytest.raises(InvalidInput):
        reject_report(report, actor=dispatcher, reason="invalid", note="")
    report = reject_report(
        report, actor=dispatcher, reason=RejectReason.NOT_OURS, note="请拨打12345"
    )
    assert report.status == Status.REJECTED
    assert "不属于受理范围：请拨打12345" in report.events.last().note


def test_the_reporter_may_reopen_within_7_days_and_the_clock_restarts(rider, category, handler):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    report = reopen_report(report, actor=rider, reason="地砖还是松的")
    assert report.status == Status.REOPENED and report.reopen_count == 1
    assert report.response_due_at > timezone.now() + timedelta(hours=23)
    Report.objects.filter(pk=report.pk).update(
        status=Status.RESOLVED, resolved_at=timezone.now() - timedelta(days=8)
    )
    with pytest.raises(DomainError, match="超过7天"):
        reopen_report(report, actor=rider, reason="还是没修好")


def test_merging_makes_the_duplicates_reporter_follow_the_main_case(
    district, category, dispatcher, handler
):
    first_rider = testing.user("worker", district["community_a"], name="骑手甲")
    second_rider = testing.user("worker", district["community_a"], name="骑手乙")
    main = submit(first_rider, category)
    duplicate = submit(second_rider, category)
    merge_reports(duplicate, into=main, actor=dispatcher)
    assert Report.objects.get(pk=duplicate.pk).status == Status.MERGED
    assert Follower.objects.filter(report=main, user=second_rider).exists()
    resolve_report(main, actor=handler, result="已修复")
    assert Notification.objects.filter(recipient=second_rider, event="reports.resolved").exists()


def test_a_point_outside_the_district_is_refused_and_nothing_is_written(rider, category):
    with pytest.raises(InvalidInput, match="不在服务范围内"):
        submit(rider, category, point=(39.9, 116.4))
    assert Report.objects.count() == 0


def test_missing_location_and_description_are_field_errors(rider, category):
    with pytest.raises(InvalidInput) as caught:
        submit_report(actor=rider, category=category, description="")
    fields = {e["field"] for e in caught.value.errors}
    assert {"description", "location"} <= fields


def test_only_the_reporter_rates_once_after_closing(rider, category, handler, district):
    report = submit(rider, category)
    with pytest.raises(DomainError):
        rate_report(report, actor=rider, rating=5)
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=rider)
    stranger = testing.user("resident", district["community_a"])
    with pytest.raises(NotPermitted):
        rate_report(report, actor=stranger, rating=1)
    rate_report(report, actor=rider, rating=3)
    with pytest.raises(DomainError):
        rate_report(report, actor=rider, rating=4)


def test_a_department_cannot_verify_its_own_work(rider, category, handler, community_a_worker):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    with pytest.raises(NotPermitted):
        verify_report(report, actor=handler)
    assert verify_report(report, actor=community_a_worker).status == Status.CLOSED


def test_a_returned_case_leaves_the_departments_queue_but_stays_readable(rider, category, handler):
    from shegong.reports.queries import access_report, queue_for

    report = submit(rider, category)
    assert list(queue_for(handler)) == [report]
    return_report(report, actor=handler, reason="不属于本部门")
    assert list(queue_for(handler)) == []
    assert access_report(handler, report.pk) == report
