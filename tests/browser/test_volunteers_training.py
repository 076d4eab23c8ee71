"""Trainings in the browser: a team's leader (a community worker who leads the team) records a
training on the workbench with two trainees' numbers, finds it on the team page, then sees it —
and records an award — on one trainee's volunteer page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.models import Award, Training

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_records_a_training_and_sees_it_on_the_volunteers_page(page, district):
    community = district["community_a"]
    leader_user = testing.user(Role.COMMUNITY_WORKER, community, name="东关队长")
    leader = testing.volunteer(community, name="东关队长", account=leader_user)
    team = testing.team(community, name="东关助老服务队", leader=leader)
    first = testing.volunteer(community, name="李小红")
    second = testing.volunteer(community, name="王大明")

    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto(f"/volunteers/teams/{team.pk}/")
    expect(page.locator("#team-trainings").get_by_text("还没有培训记录")).to_be_visible()
    page.locator("#team-trainings").get_by_role("link", name="登记培训").click()
    page.wait_for_url(re.compile(rf"/volunteers/teams/{team.pk}/trainings/new/$"))
    form = page.locator("#training-form")
    form.get_by_label("培训主题").fill("应急救护（心肺复苏/AED）培训")
    form.get_by_label("培训时长（小时）").fill("2.5")
    form.get_by_label("授课人/单位").fill("区红十字会")
    form.get_by_label("参训志愿者编号").fill(f"{first.number}\n{second.number}")
    form.get_by_role("button", name="登记培训").click()
    page.wait_for_url(re.compile(r"/volunteers/trainings/\d+/$"))
    page.get_by_text("参训志愿者 2 人").first.wait_for()
    trainees = page.locator("#trainees")
    expect(trainees.get_by_text(first.number)).to_be_visible()
    expect(trainees.get_by_text(second.number)).to_be_visible()
    assert trainees.get_by_text("李**").is_visible() and not page.get_by_text("李小红").count()
    found = Training.objects.get()
    assert found.team == team and found.attendances.count() == 2

    page.goto(f"/volunteers/teams/{team.pk}/")
    row = page.locator(f"#training-{found.pk}")
    assert "应急救护（心肺复苏/AED）培训" in row.inner_text() and "2.5" in row.inner_text()

    page.goto(f"/volunteers/{first.pk}/")
    card = page.locator("#volunteer-record")
    assert card.locator("#training-totals").inner_text().startswith("培训 1 次 / 2.5 小时")
    assert (
        card.locator("#volunteer-trainings")
        .get_by_text("应急救护（心肺复苏/AED）培训")
        .is_visible()
    )
    award = page.locator("#award-form")
    award.get_by_label("表彰名称").fill("优秀志愿者")
    award.get_by_label("级别").select_option(label="社区级")
    award.get_by_label("授予单位").fill("东关社区居民委员会")
    award.get_by_label("授予日期").fill(f"{timezone.localdate() - timedelta(days=30):%Y-%m-%d}")
    award.get_by_role("button", name="记录表彰").click()
    page.get_by_text("已记录表彰「优秀志愿者」（社区级）").wait_for()
    expect(card.locator("#volunteer-awards").get_by_text("东关社区居民委员会")).to_be_visible()
    assert Award.objects.get().volunteer == first
