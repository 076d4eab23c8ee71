"""A 回头看 campaign's deadline is never earlier than its tasks' deadlines (issue 13): the
campaign page's deadline form and task deadlines, checked in the actions."""

from datetime import timedelta

import pytest

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.ledger.actions.campaigns import change_campaign_deadline, set_task_deadlines
from shegong.ledger.models import ReviewCampaign, ReviewTask

from .test_campaigns import TODAY, campaign_a, orgs  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("orgs")]


def test_extending_the_campaign_moves_its_open_tasks_with_it(street_a_staff, district):
    campaign = campaign_a(street_a_staff, district)
    later = TODAY() + timedelta(days=30)
    change_campaign_deadline(campaign, actor=street_a_staff, due_on=later)
    campaign.refresh_from_db()
    assert campaign.due_on == later
    assert set(campaign.tasks.values_list("due_on", flat=True)) == {later}
    event = AuditEvent.objects.get(verb=Verb.CAMPAIGN_DEADLINE_CHANGED)
    assert event.data["tasks_moved"] == 2


def test_a_campaign_deadline_cannot_be_earlier_than_a_tasks(street_a_staff, district):
    campaign = campaign_a(street_a_staff, district)
    due = campaign.due_on
    with pytest.raises(InvalidInput, match=f"不能早于其中任务的截止日期（最晚 {due:%Y-%m-%d}）"):
        change_campaign_deadline(
            campaign, actor=street_a_staff, due_on=due - timedelta(days=1), move_tasks=False
        )
    campaign.refresh_from_db()
    assert campaign.due_on == due
    assert not AuditEvent.objects.filter(verb=Verb.CAMPAIGN_DEADLINE_CHANGED).exists()


def test_a_task_deadline_cannot_be_later_than_the_campaigns(street_a_staff, district):
    campaign = campaign_a(street_a_staff, district)
    with pytest.raises(InvalidInput, match="不能晚于回头看的截止日期") as exc:
        set_task_deadlines(
            campaign, actor=street_a_staff, due_on=campaign.due_on + timedelta(days=1)
        )
    assert exc.value.errors[0]["field"] == "due_on"
    assert set(campaign.tasks.values_list("due_on", flat=True)) == {campaign.due_on}
    earlier = TODAY() + timedelta(days=2)
    assert set_task_deadlines(campaign, actor=street_a_staff, due_on=earlier) == 2
    assert AuditEvent.objects.filter(verb=Verb.REVIEW_TASKS_DEADLINE_SET).exists()


def test_another_streets_staff_cannot_move_the_deadline(street_a_staff, street_b_staff, district):
    campaign = campaign_a(street_a_staff, district)
    with pytest.raises(NotPermitted):
        change_campaign_deadline(
            campaign, actor=street_b_staff, due_on=TODAY() + timedelta(days=20)
        )


def test_the_campaign_page_form_refuses_a_deadline_before_its_tasks(
    client, street_a_staff, district
):
    campaign = campaign_a(street_a_staff, district)
    ReviewTask.objects.filter(campaign=campaign).update(due_on=TODAY() + timedelta(days=7))
    client.force_login(street_a_staff)
    page = client.get(f"/ledger/campaigns/{campaign.pk}/").content.decode()
    assert "修改截止日期" in page and "不能早于其中任务的最晚截止日期" in page
    response = client.post(
        f"/ledger/campaigns/{campaign.pk}/deadline/",
        {"deadline-due_on": (TODAY() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 422
    assert "回头看的截止日期不能早于其中任务的截止日期" in response.content.decode()
    assert ReviewCampaign.objects.get(pk=campaign.pk).due_on == campaign.due_on
    later = TODAY() + timedelta(days=40)
    response = client.post(
        f"/ledger/campaigns/{campaign.pk}/deadline/",
        {"deadline-due_on": later.isoformat(), "deadline-move_tasks": "on"},
    )
    assert response.status_code == 302
    assert ReviewCampaign.objects.get(pk=campaign.pk).due_on == later
