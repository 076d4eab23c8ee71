"""回头看 campaigns: selection by filter, assignees, completing tasks, progress, reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.ledger.actions.campaigns import (
    close_campaign,
    complete_task,
    create_campaign,
    organization_input,
)
from shegong.ledger.choices import CoverageMode, OrgStatus
from shegong.ledger.models import Coverage, Organization, ReviewTask
from shegong.ledger.queries import campaigns as campaign_queries
from shegong.ledger.scans import remind_overdue_reviews

from .test_guidance import make_org

TODAY = timezone.localdate


@pytest.fixture
def orgs(district):
    """Three organizations in street A (one closed), one in street B."""
    a1 = make_org(district["grid_a"], "阜阳市东关一号科技有限公司")
    a2 = make_org(district["grid_a"], "阜阳市东关二号商贸有限公司", kind="individual")
    a3 = make_org(district["grid_a"], "阜阳市东关三号有限公司", status=OrgStatus.CLOSED)
    b1 = make_org(district["grid_b"], "阜阳市西关一号科技有限公司")
    for org in (a1, a2, a3, b1):
        Coverage.objects.create(organization=org, region=org.region, mode=CoverageMode.NONE)
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def campaign_a(actor, district, **extra):
    values = dict(
        actor=actor, name="2026年非公企业回头看", region=district["street_a"],
        criteria={"status": "active"}, due_on=TODAY() + timedelta(days=7), assignee=actor,
    )  # fmt: skip
    values.update(extra)
    return create_campaign(**values)


def test_it_creates_one_task_per_matching_organization_in_scope(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    tasks = ReviewTask.objects.filter(campaign=campaign)
    assert {t.organization_id for t in tasks} == {orgs["a1"].pk, orgs["a2"].pk}
    assert {t.assignee_id for t in tasks} == {street_a_staff.pk}
    assert campaign.criteria == {"status": "active", "region": district["street_a"].code}
    event = AuditEvent.objects.get(verb=Verb.CAMPAIGN_CREATED)
    assert event.data["tasks"] == 2
    assert Notification.objects.filter(recipient=street_a_staff, event="ledger.review_assigned")


def test_the_criteria_narrow_by_kind(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district, criteria={"kind": ["individual"]})
    assert list(campaign.tasks.values_list("organization_id", flat=True)) == [orgs["a2"].pk]


def test_it_refuses_an_assignee_outside_the_organizations_region(
    street_a_staff, street_b_staff, district, orgs
):
    with pytest.raises(InvalidInput, match="工作范围不包括"):
        campaign_a(street_a_staff, district, assignee=street_b_staff)
    assert not ReviewTask.objects.exists()


def test_it_refuses_an_assignee_without_a_staff_role(street_a_staff, district, orgs):
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"])
    with pytest.raises(InvalidInput, match="工作范围不包括"):
        campaign_a(street_a_staff, district, assignee=instructor)


def test_it_refuses_a_region_outside_scope_an_empty_selection_and_a_past_due_date(
    street_a_staff, district, orgs
):
    with pytest.raises(InvalidInput, match="不在您的工作范围内"):
        campaign_a(street_a_staff, district, region=district["street_b"])
    with pytest.raises(InvalidInput, match="没有符合条件的单位"):
        campaign_a(street_a_staff, district, criteria={"kind": ["park"]})
    with pytest.raises(InvalidInput, match="截止日期不能早于今天"):
        campaign_a(street_a_staff, district, due_on=TODAY() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="组织类型"):
        campaign_a(street_a_staff, district, criteria={"kind": ["bank"]})


def test_a_street_without_an_assignee_is_refused(district_admin, district, orgs):
    with pytest.raises(InvalidInput, match="未指定核查人"):
        campaign_a(
            district_admin, district, region=district["district"], assignee=None,
            assignee_by_street={district["street_a"].code: district_admin},
        )  # fmt: skip


def test_assignees_per_street(district_admin, street_a_staff, street_b_staff, district, orgs):
    campaign = campaign_a(
        district_admin, district, region=district["district"], assignee=None,
        assignee_by_street={district["street_a"].code: street_a_staff,
                            district["street_b"].code: street_b_staff},
    )  # fmt: skip
    pairs = set(campaign.tasks.values_list("organization_id", "assignee_id"))
    assert pairs == {
        (orgs["a1"].pk, street_a_staff.pk),
        (orgs["a2"].pk, street_a_staff.pk),
        (orgs["b1"].pk, street_b_staff.pk),
    }


def test_completing_as_verified_then_again_is_refused(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    task = campaign.tasks.get(organization=orgs["a1"])
    complete_task(task, actor=street_a_staff, outcome="verified", note="")
    task.refresh_from_db()
    assert task.outcome == "verified" and task.done_at is not None
    assert AuditEvent.objects.filter(verb=Verb.REVIEW_TASK_COMPLETED).count() == 1
    with pytest.raises(DomainError, match="不能重复完成"):
        complete_task(task, actor=street_a_staff, outcome="verified")


def test_updated_changes_the_record_through_the_record_action(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    task = campaign.tasks.get(organization=orgs["a1"])
    changes = organization_input(orgs["a1"], address="示范路8号", employee_count=40)
    complete_task(task, actor=street_a_staff, outcome="updated", note="地址变更", changes=changes)
    org = Organization.objects.get(pk=orgs["a1"].pk)
    assert (org.address, org.employee_count) == ("示范路8号", 40)
    updated = AuditEvent.objects.get(verb=Verb.ORG_UPDATED)
    assert set(updated.data["changed"]) == {"address", "employee_count"}


def test_updated_without_a_change_is_refused_and_nothing_is_written(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    task = campaign.tasks.get(organization=orgs["a1"])
    with pytest.raises(InvalidInput, match="没有任何变化"):
        complete_task(
            task, actor=street_a_staff, outcome="updated", note="核对",
            changes=organization_input(orgs["a1"]),
        )  # fmt: skip
    task.refresh_from_db()
    assert task.done_at is None


def test_closed_and_moved_out_change_the_status_and_need_a_note(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    t1 = campaign.tasks.get(organization=orgs["a1"])
    t2 = campaign.tasks.get(organization=orgs["a2"])
    with pytest.raises(InvalidInput, match="须填写说明"):
        complete_task(t1, actor=street_a_staff, outcome="closed")
    complete_task(t1, actor=street_a_staff, outcome="closed", note="已注销")
    complete_task(t2, actor=street_a_staff, outcome="moved_out", note="迁往合肥")
    statuses = dict(Organization.objects.values_list("pk", "status"))
    assert statuses[orgs["a1"].pk] == "closed" and statuses[orgs["a2"].pk] == "moved_out"
    assert AuditEvent.objects.filter(verb=Verb.ORG_STATUS_CHANGED).count() == 2


def test_an_outsider_cannot_complete_a_task(street_a_staff, street_b_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    task = campaign.tasks.first()
    with pytest.raises(NotPermitted):
        complete_task(task, actor=street_b_staff, outcome="verified")


def test_an_unknown_outcome_is_refused(street_a_staff, district, orgs):
    task = campaign_a(street_a_staff, district).tasks.first()
    with pytest.raises(InvalidInput, match="请选择核查结果"):
        complete_task(task, actor=street_a_staff, outcome="maybe")


def test_a_closed_campaign_takes_no_more_completions(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    close_campaign(campaign, actor=street_a_staff)
    with pytest.raises(DomainError, match="已经结束"):
        close_campaign(campaign, actor=street_a_staff)
    with pytest.raises(DomainError, match="已结束"):
        complete_task(campaign.tasks.first(), actor=street_a_staff, outcome="verified")


def test_progress_by_street_and_by_person(
    district_admin, street_a_staff, street_b_staff, district, orgs
):
    campaign = campaign_a(
        district_admin, district, region=district["district"], assignee=None,
        assignee_by_street={district["street_a"].code: street_a_staff,
                            district["street_b"].code: street_b_staff},
    )  # fmt: skip
    complete_task(
        campaign.tasks.get(organization=orgs["a1"]), actor=street_a_staff, outcome="verified"
    )
    # The B task is overdue: its due date has passed (moved back for the test).
    campaign.tasks.filter(organization=orgs["b1"]).update(due_on=TODAY() - timedelta(days=2))
    streets = {p.key: p for p in campaign_queries.progress_by_street(campaign.tasks.all())}
    a, b = streets[district["street_a"].code], streets[district["street_b"].code]
    assert (a.label, a.total, a.done, a.overdue, a.percent) == ("东城街道", 2, 1, 0, 50)
    assert (b.total, b.done, b.overdue) == (1, 0, 1)
    assert a.outcomes["verified"] == 1 and a.outcomes["updated"] == 0
    people = {p.key: p for p in campaign_queries.progress_by_assignee(campaign.tasks.all())}
    assert people[str(street_a_staff.pk)].done == 1
    assert people[str(street_b_staff.pk)].overdue == 1
    total = campaign_queries.campaign_progress(campaign)
    assert (total.total, total.done, total.overdue) == (3, 1, 1)


def test_the_reminder_scan_notifies_once_a_day(street_a_staff, district, orgs):
    campaign = campaign_a(street_a_staff, district)
    late = campaign.tasks.get(organization=orgs["a1"])
    ReviewTask.objects.filter(pk=late.pk).update(due_on=TODAY() - timedelta(days=3))
    now = timezone.now()
    assert remind_overdue_reviews(now=now) == 1
    assert remind_overdue_reviews(now=now + timedelta(hours=1)) == 0
    reminders = Notification.objects.filter(event="ledger.review_overdue")
    assert reminders.count() == 1
    note = reminders.get()
    assert note.recipient == street_a_staff and orgs["a1"].name in note.title
    assert note.link == f"/ledger/tasks/{late.pk}/"
    # A day later it is reminded again; once done, never.
    assert remind_overdue_reviews(now=now + timedelta(hours=25)) == 1
    complete_task(late, actor=street_a_staff, outcome="verified")
    assert remind_overdue_reviews(now=now + timedelta(hours=50)) == 0


def test_the_reminder_scan_is_registered():
    from shegong.core.scans import SCANS

    assert SCANS["ledger.review_reminders"].interval == timedelta(hours=1)
