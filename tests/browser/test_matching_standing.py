"""A community worker in the browser: registers a daily meal for an elderly person (常态化服务),
sets the rota over the community's meal offers, and pauses it for a hospital stay (with the
confirmation); the helper then sees nothing to do on the phone while it is paused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.choices import StandingStatus, TaskStatus
from shegong.matching.models import StandingOrder, StandingTask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_creates_a_standing_order_sets_the_rota_and_pauses_it(page, district):
    worker = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工")
    helper = testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")
    offer = testing.match_offer(
        district["community_a"], "meals", helper=helper, name="东关长者饭堂"
    )
    Person.objects.create(
        name="孙示范", id_number=testing.id_number("19400101"), region=district["grid_a"]
    )
    testing.browser_log_in(page, worker.phone)

    page.goto("/matching/standing/")
    page.click("#standing-new")
    form = page.locator("#standing-form")
    form.locator("select[name=region]").select_option(district["community_a"].code)
    form.locator("select[name=beneficiary]").select_option(index=1)
    form.locator("select[name=category]").select_option(label="助餐送餐")
    form.locator("input[name=at_time]").fill("11:30")
    form.locator("input[name=starts_on]").fill(timezone.localdate().isoformat())
    form.locator("input[name=funding_source]").fill("社区公益基金（慈善会+企业）")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("已登记常态化服务")).to_be_visible()
    standing = StandingOrder.objects.get()
    assert standing.weekdays == [1, 2, 3, 4, 5, 6, 7]

    rota = page.locator("#rota-form")
    for day in range(1, 8):
        rota.locator(f"select[name=day_{day}]").select_option(str(offer.pk))
    rota.locator("button[type=submit]").click()
    expect(page.get_by_text("已保存排班")).to_be_visible()
    assert standing.rota.count() == 7

    until = timezone.localdate() + timedelta(days=10)
    pause = page.locator("#pause-form")
    pause.locator("input[name=until]").fill(until.isoformat())
    pause.locator("input[name=reason]").fill("住院")
    page.once("dialog", lambda dialog: dialog.accept())
    pause.locator("button[type=submit]").click()
    expect(page.locator("#standing-status")).to_contain_text("暂停")
    expect(page.locator("#standing-status")).to_contain_text("住院")
    expect(page.locator("#resume-button")).to_be_visible()
    standing.refresh_from_db()
    assert standing.status == StandingStatus.PAUSED and standing.paused_until == until

    # While paused, today's task is generated as skipped (暂停免做) and shows on the calendar.
    page.goto("/matching/standing/")
    page.click("#generate-today")
    expect(page.get_by_text("已生成今日任务 1 项")).to_be_visible()
    assert StandingTask.objects.get().status == TaskStatus.SKIPPED
    page.goto(f"/matching/standing/{standing.pk}/")
    expect(page.locator("#task-calendar").get_by_text("暂停免做")).to_be_visible()
