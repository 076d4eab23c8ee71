"""A district administrator opens 数据看板 from the menu, picks 上月 and street A, reads the
card's figure, sees the trend chart drawn (no CSP refusal: the page fixture fails on one) and
clicks the card through to the records behind it, whose total is the card's figure."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.dashboard import rollup

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_picks_a_period_and_region_and_drills_down(page, district, district_admin):
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    day = last_month.replace(day=10)
    starts = timezone.make_aware(datetime.combine(day, time(9)))
    team_a = testing.team(district["community_a"], name="东关看板测试队")
    team_b = testing.team(district["community_b"], name="西关看板测试队")
    testing.activity(team_a, title="看板测试活动甲", starts_at=starts, people_served=6)
    testing.activity(team_a, title="看板测试活动乙", starts_at=starts, people_served=2)
    testing.activity(team_b, title="看板测试活动丙", starts_at=starts, people_served=1)
    rollup.backfill()

    page.set_default_timeout(60_000)  # a loaded machine: the live server may be slow
    log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="数据看板").first.click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    expect(page.locator("#board-rolled-at")).to_contain_text("数据截至")

    page.locator("#board-period").select_option("last_month")
    page.locator("#board-region").select_option(district["street_a"].code)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"region={district['street_a'].code}"))
    expect(page.locator("#board-period-shown")).to_contain_text(
        f"{last_month.replace(day=1):%Y-%m-%d} 至 {last_month:%Y-%m-%d}"
    )
    card = page.locator('[data-indicator="volunteers.activities"]')
    expect(card.locator("[data-sg-value]")).to_have_attribute("data-sg-value", "2.0")
    expect(page.locator("#board-trend canvas").first).to_be_visible()
    expect(page.locator("#ranking-regions")).to_contain_text("东关社区")
    expect(page.locator("#ranking-regions")).not_to_contain_text("西关社区")

    card.locator("a[data-sg-value]").click()
    page.wait_for_url(re.compile(r"/dashboard/records/volunteers\.activities/"))
    expect(page.locator("#records-total")).to_have_attribute("data-sg-total", "2")
    expect(page.locator("#records")).to_contain_text("看板测试活动甲")
    expect(page.locator("#records")).to_contain_text("看板测试活动乙")
    expect(page.locator("#records")).not_to_contain_text("看板测试活动丙")
    with page.expect_download() as download:
        page.locator("#records-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
