"""A rider's own pages on a phone: the home shows the three nearest stations (the browser's
location through the public API), he changes his delivery site himself, then withdraws his
consent and is told his registration is cancelled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.stations.models import Facility, Worker
from shegong.stations.tests.visit_fixtures import station, worker

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOT = "/tmp/shegong-worker-home.png"


@pytest.fixture
def phone(browser, live_server):
    """A narrow phone that has allowed geolocation, standing inside grid A."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True,
        geolocation={"latitude": testing.POINT_A[0], "longitude": testing.POINT_A[1]},
        permissions=["geolocation"],
    )  # fmt: skip
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def test_a_rider_sees_nearby_stations_edits_his_site_and_withdraws(phone, district):
    # A transactional test starts from flushed tables: seed the facilities the stations offer.
    for order, (code, name) in enumerate([("water", "饮水"), ("charging", "充电")]):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    lat, lon = testing.POINT_A
    for n, name in enumerate(["东关一号驿站", "东关二号驿站", "东关三号驿站", "东关四号驿站"]):
        station(name, (lat + 0.002 * (n + 1), lon))
    rider = worker(district["community_a"], name="王小骑")
    account = rider.person.user

    phone.goto("/accounts/login/?next=/m/worker/")
    phone.get_by_label("手机号").fill(account.phone)
    phone.get_by_label("密码").fill(testing.PASSWORD)
    phone.get_by_role("button", name="登 录").click()
    phone.wait_for_url(re.compile(r"/m/worker/$"))

    # 附近的驿站: the three nearest, nearest first, with their distance.
    items = phone.locator("#nearest-list .nearest-item")
    items.nth(2).wait_for()
    assert items.count() == 3
    texts = items.all_inner_texts()
    assert "东关一号驿站" in texts[0] and "东关三号驿站" in texts[2]
    assert "米" in texts[0] and "现在开放" in texts[0]
    assert "东关四号驿站" not in phone.locator("#home-nearest").inner_text()
    assert phone.locator("#nearest-all").is_hidden()
    assert "您好，王小骑" in phone.locator("#home-greeting").inner_text()
    phone.screenshot(path=SCREENSHOT, full_page=True)

    # 我的档案 → 修改从业信息: the delivery site.
    phone.get_by_role("link", name="我的档案").click()
    phone.wait_for_url(re.compile(r"/m/worker/profile/$"))
    phone.get_by_role("link", name="修改从业信息").click()
    phone.wait_for_url(re.compile(r"/m/worker/profile/edit/$"))
    expect(phone.locator("#identity-note")).to_be_visible()
    phone.get_by_label("配送站点").fill("饿了么东关站")
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(re.compile(r"/m/worker/profile/$"))
    expect(phone.get_by_text("已保存")).to_be_visible()
    assert "饿了么东关站" in phone.locator("#worker-profile").inner_text()
    rider.refresh_from_db()
    assert rider.delivery_site == "饿了么东关站"

    # 撤回同意并注销: the consequences first, then the confirmation.
    phone.get_by_role("link", name="撤回同意并注销").click()
    phone.wait_for_url(re.compile(r"/m/worker/withdraw/$"))
    assert "以匿名方式保留" in phone.locator("#withdraw-consequences").inner_text()
    phone.get_by_label("原因（选填）").fill("不再跑外卖")
    phone.once("dialog", lambda dialog: dialog.accept())  # asked once more: it cannot be undone
    phone.get_by_role("button", name="确认撤回同意并注销").click()
    phone.wait_for_url(re.compile(r"/m/$"))
    expect(phone.get_by_text("已撤回同意，您的新就业群体登记已注销")).to_be_visible()
    expect(phone.get_by_text("新就业群体登记").first).to_be_visible()
    rider.refresh_from_db()
    assert rider.person is None and rider.delivery_site == "" and rider.withdrawn_at
    assert not Worker.objects.live().exists()
    assert AuditEvent.objects.filter(verb=Verb.WORKER_WITHDRAWN).count() == 1
