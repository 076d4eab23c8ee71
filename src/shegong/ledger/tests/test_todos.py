"""The ledger's to-dos on the workbench: my 回头看 tasks not done yet, and 应建未建. Each count
equals the rows of the list its link opens, as that person, oldest first; another street's
units are not counted.

Personas: ``street_a_staff``, a party instructor of street A, a registrar (views the ledger,
acts on none of it) and the outsider ``street_b_staff``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.actions.campaigns import create_campaign
from shegong.ledger.choices import CampaignStatus, CoverageMode, PartyOrgType
from shegong.ledger.models import Coverage, Organization, ReviewCampaign, ReviewTask
from shegong.ledger.tests.test_guidance import make_org
from shegong.ledger.tests.test_rules import FULL, PROBATIONARY, org, party_org
from shegong.ledger.tests.test_worklists import _members

pytestmark = pytest.mark.django_db


def open_todo(client, user, key):
    todo = testing.todo_of(user, key)
    assert todo is not None, f"{key} is not shown"
    client.force_login(user)
    response = client.get(todo["url"])
    assert response.status_code == 200
    return todo["count"], response


def test_my_open_review_tasks_are_counted_as_the_task_list_shows_them(
    client, street_a_staff, street_b_staff, district
):
    orgs = [make_org(district["grid_a"], f"阜阳市东关{n}号商贸有限公司") for n in "一二三"]
    for organization in orgs:
        Coverage.objects.create(organization=organization, region=organization.region)
    today = timezone.localdate()
    campaign = create_campaign(
        actor=street_a_staff, name="东城回头看", region=district["street_a"], criteria={},
        due_on=today + timedelta(days=9), assignee=street_a_staff,
    )  # fmt: skip
    tasks = {t.organization_id: t for t in campaign.tasks.all()}
    first, second, done = (tasks[o.pk] for o in orgs)
    ReviewTask.objects.filter(pk=first.pk).update(due_on=today - timedelta(days=2))
    ReviewTask.objects.filter(pk=second.pk).update(due_on=today + timedelta(days=3))
    ReviewTask.objects.filter(pk=done.pk).update(done_at=timezone.now())

    count, response = open_todo(client, street_a_staff, "ledger.tasks")
    assert count == response.context["page"].paginator.count == 2
    assert [t.pk for t in response.context["page"]] == [first.pk, second.pk]

    # A closed campaign's tasks are no longer to do.
    ReviewCampaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    assert testing.todo_of(street_a_staff, "ledger.tasks") is None
    assert testing.todo_of(street_b_staff, "ledger.tasks") is None


def test_should_establish_is_counted_as_its_list_shows_it_oldest_first(
    client, street_a_staff, street_b_staff, district
):
    grid = district["grid_a"]
    newer = org(grid, name="东城大企业", staff=(FULL,) * 8, mode=CoverageMode.JOINT)
    older = org(grid, name="东城三党员企业", staff=(FULL,) * 3)
    org(grid, name="东城两党员企业", staff=(FULL, FULL))  # 1–2 members: not 应建未建
    org(grid, staff=(FULL,) * 3, mode=CoverageMode.STANDALONE)  # built
    west = org(district["grid_b"], name="西城应建企业", staff=(FULL,) * 3)
    Organization.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=400))
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"], name="党建指导员")

    for person in (street_a_staff, instructor):
        count, response = open_todo(client, person, "ledger.should_establish")
        assert count == response.context["page"].paginator.count == 2
        assert [o.pk for o in response.context["page"]] == [older.pk, newer.pk]

    count, response = open_todo(client, street_b_staff, "ledger.should_establish")
    assert count == 1 and [o.pk for o in response.context["page"]] == [west.pk]

    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    assert testing.todo_of(registrar, "ledger.should_establish") is None


def test_the_should_establish_list_refuses_an_unknown_sort(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/ledger/should-establish/?sort=newest")
    assert "未知的排序方式" in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_formal_branch_due_is_counted_as_its_list_shows_it(
    client, street_a_staff, street_b_staff, district
):
    """A temporary branch with 3 正式党员 transferred in calls for a formal branch: a to-do
    whose count equals the filtered temporary-branch list; 预备党员 and members whose relation
    is not transferred do not count, nor another street's branch."""
    grid = district["grid_a"]
    due = party_org(grid, name="转入临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH)
    _members(due, grid, transferred=True, n=3)
    almost = party_org(grid, name="预备临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH)
    _members(almost, grid, transferred=True, n=2)
    _members(almost, grid, transferred=True, n=1, status=PROBATIONARY)
    _members(almost, grid, transferred=False, n=3)
    west = party_org(district["grid_b"], name="西城临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH)
    _members(west, district["grid_b"], transferred=True, n=3)

    count, response = open_todo(client, street_a_staff, "ledger.formal_branch_due")
    listed = [branch.pk for branch, _ in response.context["report"].temporary]
    assert count == len(listed) == 1 and listed == [due.pk]
    html = response.content.decode()
    assert "转入临时党支部" in html and "预备临时党支部" not in html
    assert "显示全部临时党支部" in html

    # The unfiltered page still lists both of street A's temporary branches.
    client.force_login(street_a_staff)
    report = client.get(reverse("ledger:reelection")).context["report"]
    assert {branch.pk for branch, _ in report.temporary} == {due.pk, almost.pk}

    count, response = open_todo(client, street_b_staff, "ledger.formal_branch_due")
    assert count == 1
    assert [b.pk for b, _ in response.context["report"].temporary] == [west.pk]
