"""A community worker opens 对接统计 from the menu, sees the figures and both charts drawn (no
CSP refusal: the page fixture fails on one), narrows to the community and downloads the Excel
file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.matching.actions import orders
from shegong.matching.models import Category

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _place(resident, community, code):
    now = timezone.now()
    return orders.place(
        resident, region=community, category=Category.objects.get(code=code),
        description="需要帮助", window_start=now + timedelta(hours=1),
        window_end=now + timedelta(hours=2), lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


def test_worker_reads_the_matching_statistics(page, district, community_a_worker):
    community = district["community_a"]
    resident = testing.user(Role.RESIDENT, community, name="王大爷")
    helper = testing.user(Role.VOLUNTEER, community, name="送餐志愿者")
    testing.match_offer(community, "meals", helper=helper, name="送餐志愿者")
    for code in ("meals", "meals", "medical"):
        _place(resident, community, code)
    pooled = _place(resident, community, "meals")
    orders.approve(pooled, community_a_worker)
    orders.grab(pooled, helper)

    log_in(page, community_a_worker.phone)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#card-matching")).to_be_visible()
    page.get_by_role("link", name="对接统计").first.click()
    page.wait_for_url(re.compile(r"/matching/statistics/"))
    placed = page.locator('[data-indicator="placed"] [data-sg-value]')
    expect(placed).to_have_attribute("data-sg-value", "4")
    expect(page.locator('[data-indicator="accept_rate"]')).to_contain_text("100.0%")
    page.locator("#chart-category-month canvas").first.wait_for()
    page.locator("#chart-stars canvas").first.wait_for()
    expect(page.locator("#chart-category-month canvas").first).to_be_visible()
    expect(page.locator("#coverage")).to_contain_text("助医陪诊")

    page.locator("#id_community").select_option(community.code)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"community={community.code}"))
    expect(placed).to_have_attribute("data-sg-value", "4")
    page.locator("#chart-category-month canvas").first.wait_for()
    with page.expect_download() as download:
        page.locator("#stats-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
