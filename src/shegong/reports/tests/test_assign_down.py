"""下派 (assigning a case down: 街道 → 社区 → 网格员) and the holder's answer, through the actions.

The clock runs on (the department's 24-hour response is not reset); the case records who holds
it; each step is one internal timeline entry, one audit entry and a message to the other side.
"""

from __future__ import annotations

from datetime import date

import pytest

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.reports.actions.appointments import appoint
from shegong.reports.actions.holding import answer_down, assign_down
from shegong.reports.actions.reports import reject_report, submit_report
from shegong.reports.choices import AppointmentKind, EventKind, RejectReason, Status
from shegong.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(rider, category):
    return submit_report(
        actor=rider,
        category=category,
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
        description="人行道地砖松动",
    )


@pytest.fixture
def grid_rider(district, district_admin):
    """A rider appointed 红骑网格员 in 东关社区's first grid."""
    user = testing.user(Role.WORKER, district["street_a"], name="网格骑手老李")
    appoint(
        user,
        actor=district_admin,
        kind=AppointmentKind.GRID_RIDER,
        appointed_by="东城街道党工委",
        appointed_on=date(2026, 1, 1),
        region=district["grid_a"],
    )
    return user


def nothing_written(report: Report) -> bool:
    report.refresh_from_db()
    return (
        report.holder_region_id is None
        and not ReportEvent.objects.filter(report=report, kind=EventKind.ASSIGNED_DOWN).exists()
        and not AuditEvent.objects.filter(verb=Verb.REPORT_ASSIGNED_DOWN).exists()
    )


def test_street_staff_assign_a_case_to_its_community_and_the_clock_runs_on(
    case, street_a_staff, community_a_worker, district, django_capture_on_commit_callbacks
):
    due = case.response_due_at
    with django_capture_on_commit_callbacks(execute=True):
        report = assign_down(
            case, actor=street_a_staff, community=district["community_a"], note="请现场核实"
        )
    report.refresh_from_db()
    assert report.holder_region == district["community_a"] and report.holder is None
    assert report.held_since is not None and report.held_answered_at is None
    assert report.status == Status.TRANSFERRED
    assert report.response_due_at == due  # the 24-hour loop continues, nothing restarted
    event = report.events.get(kind=EventKind.ASSIGNED_DOWN)
    assert event.note == "下派至东关社区：请现场核实" and not event.public
    assert event.actor_label == "东城街道"
    audit = AuditEvent.objects.get(verb=Verb.REPORT_ASSIGNED_DOWN)
    assert audit.actor == street_a_staff and audit.data["community"] == "341271001001"
    told = Notification.objects.get(recipient=community_a_worker, event="reports.assigned_down")
    assert told.link == f"/m/tasks/{report.pk}/"


def test_the_community_passes_it_to_a_grid_worker_who_answers(
    case, street_a_staff, community_a_worker, grid_rider, district
):
    assign_down(case, actor=street_a_staff, community=district["community_a"])
    report = assign_down(case, actor=community_a_worker, worker=grid_rider)
    report.refresh_from_db()
    assert report.holder == grid_rider and report.holder_region == district["community_a"]
    assert Notification.objects.filter(recipient=grid_rider, event="reports.assigned_down").exists()
    # the rider sees the case now (and only because it was given to them)
    assert Report.objects.visible_to(grid_rider).filter(pk=case.pk).exists()

    answer_down(case, actor=grid_rider, answer="已到现场，地砖已临时固定")
    report.refresh_from_db()
    assert report.held_answered_at is not None
    event = report.events.get(kind=EventKind.DOWN_ANSWERED)
    assert event.note == "已到现场，地砖已临时固定" and event.actor_label == "东关社区"
    assert AuditEvent.objects.filter(verb=Verb.REPORT_DOWN_ANSWERED, actor=grid_rider).exists()
    # the one who assigned it last (the community worker) hears of the answer
    assert Notification.objects.filter(
        recipient=community_a_worker, event="reports.down_answered"
    ).exists()
    with pytest.raises(DomainError, match="已回复过"):
        answer_down(case, actor=grid_rider, answer="再说一次")


def test_street_staff_may_give_it_straight_to_a_grid_worker(case, street_a_staff, grid_rider):
    report = assign_down(case, actor=street_a_staff, worker=grid_rider)
    assert report.holder == grid_rider
    assert "网格员 网*" in report.events.get(kind=EventKind.ASSIGNED_DOWN).note  # masked


def test_only_downwards_a_community_worker_cannot_assign_to_a_community(
    case, community_a_worker, district, grid_rider
):
    with pytest.raises(NotPermitted, match="只能向下派单"):
        assign_down(case, actor=community_a_worker, community=district["community_a"])
    grid_rider.memberships.all().delete()
    grid_rider.report_appointments.update(active=False)
    with pytest.raises(NotPermitted, match="只能由街道下派给社区，或由社区派给网格员"):
        assign_down(case, actor=community_a_worker, worker=grid_rider)
    assert nothing_written(case)


def test_only_within_scope(case, street_b_staff, district):
    with pytest.raises(NotPermitted, match="不在您的工作范围内"):
        assign_down(case, actor=street_b_staff, community=district["community_a"])
    assert nothing_written(case)


def test_a_department_does_not_push_its_work_down(case, handler, district):
    with pytest.raises(NotPermitted, match="部门承办的工单不能下派"):
        assign_down(case, actor=handler, community=district["community_a"])
    assert nothing_written(case)


def test_bad_targets_get_a_clear_message_and_nothing_is_written(
    case, street_a_staff, district, resident
):
    with pytest.raises(InvalidInput, match="只能下派给工单所在的社区（东关社区）") as exc:
        assign_down(case, actor=street_a_staff, community=district["community_b"])
    assert exc.value.errors[0]["field"] == "target"
    with pytest.raises(InvalidInput, match="不是东关社区的网格员"):
        assign_down(case, actor=street_a_staff, worker=resident)
    with pytest.raises(InvalidInput, match="请选择下派的社区或网格员"):
        assign_down(case, actor=street_a_staff)
    assert nothing_written(case)


def test_a_finished_case_is_not_assigned_down(
    rider, unrouted_category, dispatcher, street_a_staff, district
):
    report = submit_report(
        actor=rider,
        category=unrouted_category,
        lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
        description="重复",
    )
    reject_report(report, actor=dispatcher, reason=RejectReason.DUPLICATE, note="重复上报")
    with pytest.raises(DomainError, match="不能下派"):
        assign_down(report, actor=street_a_staff, community=district["community_a"])


def test_only_the_holder_answers(case, street_a_staff, district, community_a_worker, grid_rider):
    with pytest.raises(DomainError, match="没有下派"):
        answer_down(case, actor=community_a_worker, answer="好的")
    assign_down(case, actor=street_a_staff, community=district["community_a"])
    with pytest.raises(NotPermitted, match="没有下派给您"):
        answer_down(case, actor=grid_rider, answer="好的")
    with pytest.raises(InvalidInput, match="请填写回复内容"):
        answer_down(case, actor=community_a_worker, answer="  ")
    assert not ReportEvent.objects.filter(kind=EventKind.DOWN_ANSWERED).exists()
    answer_down(case, actor=community_a_worker, answer="社区已处理")
    assert Notification.objects.filter(
        recipient=street_a_staff, event="reports.down_answered"
    ).exists()
