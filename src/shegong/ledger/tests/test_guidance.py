"""Party-building instructors: assignments and guidance visits, with their refusals."""

from datetime import timedelta

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.actions.guidance import (
    assign_instructor,
    end_instructor_assignment,
    record_visit,
)
from shegong.ledger.models import GuidanceVisit, Organization

_serial = iter(range(1, 10_000))


def make_org(region, name: str = "阜阳市示范科技有限公司", **extra) -> Organization:
    """An organization in ``region`` with a valid, unique credit code (no audit, no actor)."""
    body = f"91341202MA2N{next(_serial):05d}"
    values = {"kind": "enterprise", "credit_code": body + uscc.calc_check_digit(body), **extra}
    return Organization.objects.create(name=name, region=region, **values)


@pytest.fixture
def instructor_a(district):
    return testing.user(Role.PARTY_INSTRUCTOR, district["street_a"], name="东城指导员")


@pytest.fixture
def org_a(district):
    return make_org(district["grid_a"], "阜阳市东关示范科技有限公司")


def test_it_assigns_an_instructor_and_audits_it(street_a_staff, instructor_a, org_a):
    assignment = assign_instructor(org_a, instructor_a, actor=street_a_staff)
    assert assignment.region_id == org_a.region_id and assignment.ended_on is None
    event = AuditEvent.objects.get(verb=Verb.INSTRUCTOR_ASSIGNED)
    assert event.target_id == str(org_a.pk) and event.data["instructor"] == instructor_a.pk


def test_it_refuses_an_instructor_without_the_role(street_a_staff, community_a_worker, org_a):
    with pytest.raises(InvalidInput, match="不是该单位所在区划的党建指导员"):
        assign_instructor(org_a, community_a_worker, actor=street_a_staff)


def test_it_refuses_an_instructor_of_another_street(street_a_staff, district, org_a):
    other = testing.user(Role.PARTY_INSTRUCTOR, district["street_b"], name="西城指导员")
    with pytest.raises(InvalidInput, match="党建指导员"):
        assign_instructor(org_a, other, actor=street_a_staff)


def test_it_refuses_a_second_current_assignment(street_a_staff, instructor_a, org_a):
    assign_instructor(org_a, instructor_a, actor=street_a_staff)
    with pytest.raises(DomainError, match="无需重复派驻"):
        assign_instructor(org_a, instructor_a, actor=street_a_staff)


def test_only_managers_assign(instructor_a, org_a):
    with pytest.raises(NotPermitted):
        assign_instructor(org_a, instructor_a, actor=instructor_a)


def test_an_outsider_cannot_assign_to_another_street(street_b_staff, instructor_a, org_a):
    with pytest.raises(NotPermitted, match="不在您的工作范围内"):
        assign_instructor(org_a, instructor_a, actor=street_b_staff)


def test_ending_an_assignment_twice_is_refused(street_a_staff, instructor_a, org_a):
    assignment = assign_instructor(org_a, instructor_a, actor=street_a_staff)
    end_instructor_assignment(assignment, actor=street_a_staff)
    assert AuditEvent.objects.filter(verb=Verb.INSTRUCTOR_UNASSIGNED).count() == 1
    with pytest.raises(DomainError, match="已于"):
        end_instructor_assignment(assignment, actor=street_a_staff)
    # Ended, so a new assignment of the same instructor is allowed again.
    assign_instructor(org_a, instructor_a, actor=street_a_staff)


def test_an_assigned_instructor_records_a_visit(street_a_staff, instructor_a, org_a):
    assign_instructor(org_a, instructor_a, actor=street_a_staff)
    visit = record_visit(
        org_a, actor=instructor_a, visited_on=timezone.localdate(), topic="指导三会一课",
        round=2, notes="支部计划已制定",
    )  # fmt: skip
    assert visit.instructor == instructor_a and visit.round == 2 and visit.photos == []
    assert AuditEvent.objects.filter(verb=Verb.VISIT_RECORDED, target_id=str(org_a.pk)).exists()


def test_it_refuses_a_visit_in_the_future(street_a_staff, instructor_a, org_a):
    assign_instructor(org_a, instructor_a, actor=street_a_staff)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="走访日期不能晚于今天"):
        record_visit(org_a, actor=instructor_a, visited_on=tomorrow, topic="走访")
    assert not GuidanceVisit.objects.exists()


def test_it_refuses_a_visit_by_an_instructor_not_assigned(instructor_a, org_a):
    with pytest.raises(NotPermitted, match="未被派驻"):
        record_visit(org_a, actor=instructor_a, visited_on=timezone.localdate(), topic="走访")


def test_it_refuses_a_visit_without_a_topic(street_a_staff, org_a):
    with pytest.raises(InvalidInput, match="请填写走访主题"):
        record_visit(org_a, actor=street_a_staff, visited_on=timezone.localdate(), topic=" ")


def test_a_resident_cannot_record_a_visit(resident, org_a):
    with pytest.raises(NotPermitted):
        record_visit(org_a, actor=resident, visited_on=timezone.localdate(), topic="x")
