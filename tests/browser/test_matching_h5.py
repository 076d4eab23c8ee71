"""四单 on a phone (390×844): a resident places an order in under a minute of clicks; a helper
grabs it from the pool, checks in at the door (geolocation) and completes it; the resident
rates it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.matching.actions import orders
from shegong.matching.models import Order

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ADDRESS = "幸福里3号楼2单元401"


@pytest.fixture
def phones(browser, live_server):
    """Phones that allowed geolocation, standing at the beneficiary's door in community A."""
    contexts, refused = [], []

    def make():
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True,
            geolocation={"latitude": testing.POINT_A[0], "longitude": testing.POINT_A[1]},
            permissions=["geolocation"],
        )  # fmt: skip
        watch_csp(context, refused)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def login(page, user, target: str) -> None:
    page.goto(f"/accounts/login/?next={target}")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))


def test_order_grab_complete_and_rate_on_a_phone(phones, district, community_a_worker):
    resident = testing.user(Role.RESIDENT, district["community_a"], name="王大爷")
    helper = testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")
    testing.match_offer(district["community_a"], "meals", helper=helper, name="送餐志愿者")

    # The resident: 我要点单 in under a minute.
    phone = phones()
    login(phone, resident, "/m/matching/")
    began = time.monotonic()
    phone.get_by_text("助餐送餐", exact=True).click()
    expect(phone.get_by_text("上门送餐", exact=True)).to_be_visible()
    phone.get_by_text("上门送餐", exact=True).click()
    phone.get_by_label("一句话说明").fill("腿脚不便，想请人送午饭")
    phone.get_by_text("明天", exact=True).click()
    phone.get_by_text("上午", exact=True).click()
    phone.get_by_label("详细地址").fill(ADDRESS)
    phone.get_by_role("button", name="定位（选填）").click()
    expect(phone.locator("#geo-status")).to_contain_text("已定位")
    phone.get_by_role("button", name="提交点单").click()
    expect(phone.locator("#order-status")).to_have_text("待审核")
    assert time.monotonic() - began < 60
    order = Order.objects.get()
    assert order.lat is not None and order.item is not None
    expect(phone.get_by_text(f"点单成功，订单编号 {order.number}")).to_be_visible()

    # The community approves it: 助餐送餐 goes to the grab pool.
    orders.approve(order, community_a_worker)

    # The helper: 抢单, 签到 at the door, 完成.
    helper_phone = phones()
    login(helper_phone, helper, "/m/matching/helper/")
    expect(helper_phone.locator("#pool")).to_contain_text("腿脚不便，想请人送午饭")
    expect(helper_phone.locator("#pool")).not_to_contain_text(ADDRESS)
    helper_phone.get_by_role("button", name="抢单").click()
    expect(helper_phone.locator("#order-status")).to_have_text("已接单")
    expect(helper_phone.locator("#order-address")).to_contain_text(ADDRESS)
    helper_phone.get_by_role("button", name="到达签到").click()
    expect(helper_phone.locator("#order-status")).to_have_text("服务中")
    helper_phone.get_by_label("服务记录").fill("午饭已送到，老人精神很好")
    helper_phone.get_by_label(re.compile("服务时长")).fill("0.5")
    helper_phone.get_by_role("button", name="确认完成").click()
    expect(helper_phone.locator("#order-status")).to_have_text("已完成")

    # The resident rates it.
    phone.goto(f"/m/matching/orders/{order.pk}/")
    expect(phone.locator("#order-result")).to_contain_text("午饭已送到")
    phone.locator("label[for=stars-5]").click()
    phone.get_by_label("评价意见").fill("很准时，谢谢")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#order-rating")).to_be_visible()
    expect(phone.locator("#order-status")).to_have_text("已评价")
    order.refresh_from_db()
    assert (order.status, order.stars) == ("rated", 5)
