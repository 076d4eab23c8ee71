"""The supply list in the browser: a community worker adds an offer (项目超市), approves it after
the confirmation, then finds it filtered in the supply list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.matching.models import Offer

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_adds_an_offer_approves_it_and_finds_it(page, district, community_a_worker):
    testing.match_catalogue()  # a transactional test starts from flushed tables
    log_in(page, community_a_worker.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/matching/offers/")
    expect(page.get_by_text("供给清单中还没有符合条件的服务")).to_be_visible()
    page.locator("a.btn", has_text="登记供给").click()
    page.locator("#id_region").select_option(district["community_a"].code)
    page.locator("#id_category").select_option(label="助餐送餐")
    page.locator("#id_title").fill("楼嫂午间送餐")
    page.locator("#id_provider_kind").select_option("merchant")
    page.locator("#id_provider_name").fill("东关饭店")
    page.locator("#id_capacity_per_week").fill("14")
    page.get_by_label("周一上午").check()
    page.get_by_label("周三上午").check()
    page.locator("#id_cost").select_option("low")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/matching/offers/$"))
    expect(page.get_by_text("等待审核上架")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#offer-table").get_by_role("button", name="上架").click()
    expect(page.get_by_text("「楼嫂午间送餐」已上架")).to_be_visible()
    offer = Offer.objects.get()
    assert offer.status == "approved" and offer.availability == {"1": ["am"], "3": ["am"]}

    page.locator("#id_status").select_option("approved")
    page.locator("#id_cost").select_option("low")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#offer-table").get_by_text("楼嫂午间送餐")).to_be_visible()
    page.locator("#id_cost").select_option("free")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("供给清单中还没有符合条件的服务")).to_be_visible()
