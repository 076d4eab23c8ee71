"""The one phone shell at 390×844: a rider lands on /m/ (light: no Bootstrap, no icon font),
opens 附近驿站 from home and sees the results first, opens 我的 (a profile, not the password
form) and 消息, and stays in the shell with its bottom navigation; a volunteer opens 我的记录证明
from 我的."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.models import Notification
from shegong.core.perms import Role
from shegong.stations.models import Facility
from shegong.stations.tests.visit_fixtures import station, worker
from shegong.volunteers.actions import hours
from shegong.volunteers.models import ServiceRecord

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WEIGHT_LIMIT = 150 * 1024  # issue 13 §7: every H5 page ≤ 150 KB on a cold load, before photos
SCREENSHOTS = "/tmp/shegong-h5-{}.png"


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


def log_in(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()


def cold_weight(page, path: str) -> tuple[int, dict[str, int]]:
    """Bytes of every response of a load of ``path`` with the browser cache off (a cold load)."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}

    def record(response) -> None:
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # a redirect has no body
            sizes[response.url] = 0

    page.on("response", record)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    return sum(sizes.values()), sizes


def assert_in_shell(page) -> None:
    nav = page.locator("#h5-nav")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(nav.get_by_role("link", name="我的")).to_be_visible()
    assert page.locator('link[href*="vendor/bootstrap"]').count() == 0


def test_a_rider_finds_stations_opens_me_and_messages_in_the_shell(phone, district):
    for order, (code, name) in enumerate([("water", "饮水"), ("charging", "充电")]):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    lat, lon = testing.POINT_A
    station("东关一号驿站", (lat + 0.002, lon))
    station("东关二号驿站", (lat + 0.004, lon))
    rider = worker(district["community_a"], name="王小骑")
    account = rider.person.user
    Notification.objects.create(recipient=account, event="test", title="您的诉求已受理")

    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    assert "您好，王小骑" in phone.locator("#h5-greeting").inner_text()
    assert_in_shell(phone)
    weight, sizes = cold_weight(phone, "/m/")
    print(f"\n/m/ cold load: {weight} bytes in {len(sizes)} responses")
    assert weight <= WEIGHT_LIMIT, sizes
    assert not any("bootstrap" in url for url in sizes), sizes
    phone.screenshot(path=SCREENSHOTS.format("home"), full_page=True)

    # 附近驿站 from home: the results first, nearest first, the filters folded.
    phone.locator("#tile-nearest").click()
    phone.wait_for_url(re.compile(r"/m/stations/\?.*lat="))
    items = phone.locator("#st-list .st-item")
    items.first.wait_for()
    assert "东关一号驿站" in items.first.inner_text()
    assert items.first.get_by_role("link", name="导航").get_attribute("href").startswith("geo:")
    assert phone.locator("#st-filters").get_attribute("open") is None
    assert not phone.locator('input[name="facility"]').first.is_visible()  # folded away
    expect(phone.locator("#st-street")).to_be_visible()  # one line: the street, never folded
    assert items.first.bounding_box()["y"] < PHONE["height"]  # on the first screen
    assert_in_shell(phone)
    phone.screenshot(path=SCREENSHOTS.format("finder"), full_page=True)

    # 我的: a profile with one's own name in full, not the password form.
    phone.locator("#h5-nav").get_by_role("link", name="我的").click()
    phone.wait_for_url(re.compile(r"/m/me/$"))
    assert phone.locator("#me-name").inner_text() == "王小骑"
    assert phone.locator('input[type="password"]').count() == 0
    expect(
        phone.locator("#me-worker_profile")
    ).to_be_visible()  # 我的骑手档案, registered by stations
    assert_in_shell(phone)
    phone.screenshot(path=SCREENSHOTS.format("me"), full_page=True)

    # 消息: in the shell too.
    phone.locator("#h5-nav-inbox").click()
    phone.wait_for_url(re.compile(r"/m/inbox/$"))
    assert "您的诉求已受理" in phone.locator("#m-inbox").inner_text()
    assert_in_shell(phone)
    phone.get_by_role("button", name="标为已读", exact=True).click()
    phone.wait_for_url(re.compile(r"/m/inbox/"))
    assert_in_shell(phone)
    phone.screenshot(path=SCREENSHOTS.format("inbox"), full_page=True)

    # 退出登录 asks first: dismissing keeps one signed in.
    phone.locator("#h5-nav-me").click()
    phone.wait_for_url(re.compile(r"/m/me/$"))
    phone.once("dialog", lambda dialog: dialog.dismiss())
    phone.get_by_role("button", name="退出登录").click()
    assert phone.url.endswith("/m/me/")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="退出登录").click()
    phone.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_volunteer_opens_my_certificates_in_the_shell(phone, district):
    region = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, region, name="时长队长")
    leader = testing.volunteer(region, name="时长队长", account=leader_user)
    team = testing.team(
        region,
        name="东关助老服务队",
        leader=leader,
        phone="0551-6000001",
        organization=testing.registered_org(region),
    )
    member_user = testing.user(Role.VOLUNTEER, region, name="李小红")
    member = testing.volunteer(region, name="李小红", account=member_user)
    served_on = timezone.localdate() - timedelta(days=1)
    record = ServiceRecord.objects.create(
        volunteer=member, team=team, region=region, kind="manual", status="pending",
        hours=Decimal("6.00"), served_on=served_on, content="陪伴独居老人",
    )  # fmt: skip
    hours.approve(record, leader_user)
    cert = testing.issued_certificate(member, team, served_on, served_on, leader_user)

    log_in(phone, member_user.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.locator("#h5-nav-me").click()
    phone.wait_for_url(re.compile(r"/m/me/$"))
    phone.locator("#me-certificates").click()
    phone.wait_for_url(re.compile(r"/m/volunteer/certificates/$"))
    assert cert.serial in phone.locator("#my-certificates").inner_text()
    expect(phone.get_by_role("link", name="下载 PDF")).to_be_visible()
    assert_in_shell(phone)
    expect(phone.locator("#h5-nav").get_by_role("link", name="志愿")).to_be_visible()
    phone.screenshot(path=SCREENSHOTS.format("certificates"), full_page=True)


def test_refused_location_leaves_the_results_first_and_the_street_one_tap_away(
    browser, live_server, district
):
    """No position: the list by name stays first on the screen, the other filters stay folded,
    and choosing a street narrows the list at once."""
    station("东城的站", testing.POINT_A, facilities=())  # facilities: a flush may empty them
    station("西城的站", testing.POINT_B, facilities=())
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/m/stations/")
    page.locator("#st-geo-note").filter(has_text="未能定位").wait_for()
    items = page.locator("#st-list .st-item")
    assert items.count() == 2
    assert items.first.bounding_box()["y"] < PHONE["height"]  # on the first screen
    assert page.locator("#st-filters").get_attribute("open") is None
    page.locator("#st-street").select_option(label=district["street_b"].name)
    page.wait_for_url(re.compile(r"street="))
    assert page.locator("#st-list .st-item").all_inner_texts()[0].startswith("西城的站")
    assert page.locator("#st-list .st-item").count() == 1
    page.screenshot(path=SCREENSHOTS.format("finder-refused"), full_page=True)
    context.close()
    assert refused == []
