"""Pages of 回头看 and visits: they render, write through the actions, and hide street B."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.actions.campaigns import complete_task, create_campaign
from shegong.ledger.choices import CoverageMode
from shegong.ledger.models import (
    Coverage,
    Employment,
    GuidanceVisit,
    InstructorAssignment,
    ReviewTask,
)

from .records_fixtures import party_member, party_org
from .test_guidance import make_org


@pytest.fixture
def orgs(district):
    a1 = make_org(district["grid_a"], "阜阳市东关一号科技有限公司")
    a2 = make_org(district["grid_a"], "阜阳市东关二号商贸有限公司")
    b1 = make_org(district["grid_b"], "阜阳市西关一号科技有限公司")
    for org in (a1, a2, b1):
        Coverage.objects.create(organization=org, region=org.region)
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def campaign(street_a_staff, district, orgs):
    return create_campaign(
        actor=street_a_staff, name="东城回头看", region=district["street_a"], criteria={},
        due_on=timezone.localdate() + timedelta(days=5), assignee=street_a_staff,
    )  # fmt: skip


def test_the_list_shows_progress(client, street_a_staff, campaign):
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:campaigns")).content.decode()
    assert "东城回头看" in body and "已完成 0 / 2" in body


def test_street_staff_creates_a_campaign_with_a_live_count(client, street_a_staff, district, orgs):
    client.force_login(street_a_staff)
    assert client.get(reverse("ledger:campaign_create")).status_code == 200
    preview = client.get(reverse("ledger:campaign_preview"), {"region": district["street_a"].code})
    assert "<strong>2</strong>" in preview.content.decode()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("ledger:campaign_create"),
        {"name": "三季度回头看", "due_on": due, "region": district["street_a"].code,
         "status": "active", "assignee": street_a_staff.pk},
    )  # fmt: skip
    assert response.status_code == 302
    task = ReviewTask.objects.get(organization=orgs["a1"])
    assert task.assignee == street_a_staff and task.campaign.name == "三季度回头看"


def test_the_create_form_shows_refusals_next_to_the_fields(client, street_a_staff, district, orgs):
    client.force_login(street_a_staff)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("ledger:campaign_create"),
        {"name": "x", "due_on": past, "region": district["street_a"].code, "status": "active",
         "assignee": street_a_staff.pk},
    )  # fmt: skip
    assert response.status_code == 422
    assert "截止日期不能早于今天" in response.content.decode()
    response = client.post(
        reverse("ledger:campaign_create"),
        {"name": "x", "due_on": past, "region": district["street_b"].code},
    )
    assert "所选区划不在您的工作范围内" in response.content.decode()


def test_the_detail_shows_progress_by_street_and_person(client, street_a_staff, campaign, orgs):
    client.force_login(street_a_staff)
    task = campaign.tasks.get(organization=orgs["a1"])
    complete_task(task, actor=street_a_staff, outcome="verified")
    response = client.get(reverse("ledger:campaign", args=[campaign.pk]))
    body = response.content.decode()
    assert "东城街道" in body and "1 / 2（50%）" in body
    filtered = client.get(reverse("ledger:campaign", args=[campaign.pk]), {"status": "open"})
    assert orgs["a2"].name in filtered.content.decode()
    assert orgs["a1"].name not in filtered.content.decode().split("task-table")[-1]


def test_completing_a_task_on_its_page(client, street_a_staff, campaign, orgs):
    client.force_login(street_a_staff)
    task = campaign.tasks.get(organization=orgs["a1"])
    url = reverse("ledger:task", args=[task.pk])
    page = client.get(url).content.decode()
    assert orgs["a1"].name in page and 'value="updated"' in page
    response = client.post(
        url,
        {"outcome": "updated", "note": "电话更新", "org-name": orgs["a1"].name,
         "org-legal_rep_phone": "13700001234", "org-employee_count": "25"},
    )  # fmt: skip
    assert response.status_code == 302
    orgs["a1"].refresh_from_db()
    assert orgs["a1"].legal_rep_phone == "13700001234" and orgs["a1"].employee_count == 25
    again = client.post(url, {"outcome": "verified"})
    assert "已于" in again.content.decode()


def test_a_bad_phone_in_the_update_is_shown_on_the_field(client, street_a_staff, campaign, orgs):
    client.force_login(street_a_staff)
    task = campaign.tasks.get(organization=orgs["a1"])
    response = client.post(
        reverse("ledger:task", args=[task.pk]),
        {"outcome": "updated", "note": "x", "org-name": "n", "org-legal_rep_phone": "123"},
    )
    assert response.status_code == 422
    assert "手机号" in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is None


def test_my_tasks_marks_overdue_ones(client, street_a_staff, campaign, orgs):
    campaign.tasks.filter(organization=orgs["a1"]).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:my_tasks")).content.decode()
    assert "已逾期" in body and orgs["a2"].name in body


def test_the_outsider_gets_404_for_campaign_and_task(client, street_b_staff, campaign):
    client.force_login(street_b_staff)
    task = campaign.tasks.first()
    assert client.get(reverse("ledger:campaign", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("ledger:task", args=[task.pk])).status_code == 404
    assert client.post(reverse("ledger:campaign_close", args=[campaign.pk])).status_code == 404
    assert "东城回头看" not in client.get(reverse("ledger:campaigns")).content.decode()


def test_visits_page_assign_visit_and_end(client, street_a_staff, district, orgs):
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"], name="东城指导员")
    client.force_login(street_a_staff)
    assert client.get(reverse("ledger:visits")).status_code == 200
    response = client.post(
        reverse("ledger:instructor_assign"),
        {"assign-instructor": instructor.pk, "assign-organization": orgs["a1"].credit_code},
    )
    assert response.status_code == 302
    assignment = InstructorAssignment.objects.get()
    client.force_login(instructor)
    body = client.get(reverse("ledger:visit_create")).content.decode()
    assert orgs["a1"].name in body and orgs["a2"].name not in body
    response = client.post(
        reverse("ledger:visit_create"),
        {"organization": orgs["a1"].pk, "visited_on": timezone.localdate().isoformat(),
         "topic": "指导组建党支部", "round": 1, "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert GuidanceVisit.objects.get().instructor == instructor
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        reverse("ledger:visit_create"),
        {"organization": orgs["a1"].pk, "visited_on": future, "topic": "x", "round": 1},
    )
    assert response.status_code == 422 and "走访日期不能晚于今天" in response.content.decode()
    assert "指导组建党支部" in client.get(reverse("ledger:visits")).content.decode()
    client.force_login(street_a_staff)
    client.post(reverse("ledger:instructor_end", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.ended_on == timezone.localdate()


def test_assigning_an_outsiders_organization_is_refused(client, street_a_staff, district, orgs):
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"])
    client.force_login(street_a_staff)
    response = client.post(
        reverse("ledger:instructor_assign"),
        {"assign-instructor": instructor.pk, "assign-organization": orgs["b1"].credit_code},
    )
    assert response.status_code == 422 and "不在您的工作范围内" in response.content.decode()


def test_the_task_page_shows_what_is_rechecked_with_links_to_edit_each(
    client, street_a_staff, campaign, orgs, district
):
    org = orgs["a1"]
    branch = party_org(district["grid_a"], "东关一号联合党支部", type="joint_branch")
    Coverage.objects.filter(organization=org).update(mode=CoverageMode.JOINT, party_org=branch)
    member = party_member(district["grid_a"], "王党员")
    Employment.objects.create(person=member, organization=org, position="职员")
    org.party_member_count = 2
    org.save(update_fields=["party_member_count"])
    task = campaign.tasks.get(organization=org)
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:task", args=[task.pk]))
    page = response.content.decode()
    recheck = page[page.index('id="recheck"') :]
    assert "本次核查内容" in page
    assert CoverageMode.JOINT.label in recheck
    assert f'href="/ledger/organizations/{org.pk}/#coverage"' in recheck
    assert "申报 2 人，台账登记在职党员 1 人" in recheck and "不一致" in recheck
    assert f'href="/ledger/people/{member.pk}/edit/"' in recheck and "王*" in recheck
    assert f'href="/ledger/organizations/{org.pk}/edit/"' in recheck
    assert "东关一号联合党支部" in recheck
    assert f'href="/ledger/party-orgs/{branch.pk}/edit/"' in recheck
