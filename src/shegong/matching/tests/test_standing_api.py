"""/api/v1/matching/standing: the list and detail (masked, scoped), 暂停 / 恢复 / 结束 through
the actions with bad input refused (422) and nothing written, and the helper's tasks of the day
with 完成; another community's standing order or task is 404."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.actions import standing
from shegong.matching.models import Category, StandingTask


@pytest.fixture
def helper(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="送餐阿姨")


@pytest.fixture
def meal(district, community_a_worker, helper):
    offer = testing.match_offer(district["community_a"], "meals", helper=helper, name="楼嫂")
    person = Person.objects.create(
        name="张奶奶", id_number=testing.id_number("19400101"), region=district["grid_a"]
    )
    order = standing.save_standing(
        community_a_worker, region=district["community_a"],
        category=Category.objects.get(code="meals"), beneficiary=person, title="上门送餐",
        weekdays=list(range(1, 8)), at_time=time(11, 30), minutes=30,
        starts_on=timezone.localdate() - timedelta(days=1), funding_source="社区公益基金",
    )  # fmt: skip
    standing.set_rota(order, dict.fromkeys(range(1, 8), offer), community_a_worker)
    return order


def test_list_and_detail_are_masked_and_scoped(client, district, community_a_worker, meal,
                                               street_b_staff):  # fmt: skip
    client.force_login(community_a_worker)
    listed = client.get("/api/v1/matching/standing").json()
    assert listed["count"] == 1 and listed["items"][0]["beneficiary_name"] == "张**"
    detail = client.get(f"/api/v1/matching/standing/{meal.pk}").json()
    assert len(detail["rota"]) == 7 and detail["at_time"] == "11:30"
    assert "address" not in detail
    client.force_login(street_b_staff)
    assert client.get("/api/v1/matching/standing").json()["count"] == 0
    assert client.get(f"/api/v1/matching/standing/{meal.pk}").status_code == 404
    assert client.post(f"/api/v1/matching/standing/{meal.pk}/resume").status_code == 404


def test_pause_resume_end_with_bad_input_refused(client, community_a_worker, meal):
    client.force_login(community_a_worker)
    url = f"/api/v1/matching/standing/{meal.pk}"
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = client.post(f"{url}/pause", {"until": past, "reason": "住院"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422
    meal.refresh_from_db()
    assert meal.status == "active"
    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    paused = client.post(f"{url}/pause", {"until": until, "reason": "住院"},
                         content_type="application/json")  # fmt: skip
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert client.post(f"{url}/resume").json()["status"] == "active"
    ended = client.post(f"{url}/end", {"reason": "搬离社区"}, content_type="application/json")
    assert ended.json()["status"] == "ended"


def test_the_helper_marks_todays_task_done(client, district, helper, meal):
    standing.generate_tasks(timezone.localdate())
    client.force_login(helper)
    mine = client.get("/api/v1/matching/standing/tasks/mine").json()
    assert len(mine) == 1 and mine[0]["status"] == "due"
    task = StandingTask.objects.get(pk=mine[0]["id"])
    if timezone.now() < task.due_at - timedelta(hours=12):
        pytest.skip("too early in the day to mark a task done")
    done = client.post(f"/api/v1/matching/standing/tasks/{task.pk}/done", {"note": "已送达"},
                       content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "done"
    stranger = testing.user(Role.VOLUNTEER, district["community_a"], name="路人")
    client.force_login(stranger)
    again = client.post(f"/api/v1/matching/standing/tasks/{task.pk}/done", {},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 404
