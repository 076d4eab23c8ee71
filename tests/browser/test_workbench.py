"""A street staff member's day in the browser: log in, workbench, switch scope, be refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.accounts.models import Membership
from shegong.core.perms import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-workbench.png"


def log_in(page, phone: str, password: str = testing.PASSWORD) -> None:
    """The login page; a district admin or superuser also types the authenticator's code."""
    testing.browser_log_in(page, phone, password)


def test_street_staff_logs_in_switches_scope_and_is_refused_another_street(
    page, street_a_staff, district
):
    community_b = Membership.objects.create(
        user=street_a_staff, role=Role.COMMUNITY_WORKER, region=district["community_b"]
    )
    b_resident = testing.user(Role.RESIDENT, district["community_b"], name="西城居民")
    a_resident = testing.user(Role.RESIDENT, district["community_a"], name="东关居民")

    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1", has_text="工作台")).to_be_visible()
    assert page.locator("#card-scope").inner_text().count("东城街道") == 1
    expect(page.locator(".sg-sidebar").get_by_role("link", name="账号管理")).to_be_visible()
    # One's own name in full in the greeting (masking is for others).
    assert f"您好，{street_a_staff.name}" in page.locator("main").inner_text()
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Another street's account is a 404, the same as a missing one.
    page.goto(f"/accounts/users/{b_resident.pk}/")
    expect(page.get_by_text("未找到您要访问的页面或对象")).to_be_visible()
    page.goto(f"/accounts/users/{a_resident.pk}/")
    expect(page.get_by_text("东关社区 · 群众")).to_be_visible()

    # Switch scope through the dropdown in the top bar.
    page.goto("/")
    page.locator("#scope-switcher").get_by_role("button", name=re.compile("东城街道")).click()
    page.locator("#scope-switcher").get_by_role("button", name=re.compile("西关社区")).click()
    page.wait_for_load_state()
    expect(page.get_by_text("已切换到")).to_be_visible()
    assert "西关社区" in page.locator("#card-scope").inner_text()
    assert Membership.objects.get(pk=community_b.pk)  # still there, now active in the session

    # In the new scope street A's resident is out of reach, street B's is visible.
    response = page.goto(f"/accounts/users/{a_resident.pk}/")
    assert response.status == 404
    response = page.goto(f"/accounts/users/{b_resident.pk}/")
    assert response.status == 200


def test_a_locked_out_login_shows_the_lockout_message(page, street_a_staff):
    for _ in range(5):
        log_in(page, street_a_staff.phone, "Wrong#Pass1")
    expect(page.locator("#lockout-message")).to_be_visible()
    log_in(page, street_a_staff.phone)  # even the right password is refused now
    message = page.locator("#lockout-message").inner_text()
    assert "登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁" in message
    assert page.url.endswith("/accounts/login/")


def test_a_first_login_is_sent_to_change_the_password(page, district):
    fresh = testing.user(
        Role.STREET_STAFF, district["street_a"], name="新干部", must_change_password=True
    )
    log_in(page, fresh.phone)
    page.wait_for_url(re.compile(r"/accounts/password/\?first=1$"))
    expect(page.locator("#first-login")).to_be_visible()
    page.locator("#id_old_password").fill(testing.PASSWORD)
    page.locator("#id_new_password").fill("Fresh#Pass9")
    page.locator("#id_new_password2").fill("Fresh#Pass9")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text("密码已修改")).to_be_visible()


def test_on_a_narrow_screen_the_menu_opens_from_the_top_bar(page, street_a_staff):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    menu = page.locator(".sg-sidebar")
    assert not menu.is_visible()
    page.get_by_role("button", name="菜单").click()
    menu.get_by_role("link", name="账号管理").click()
    page.wait_for_url(re.compile(r"/accounts/users/"))
    expect(page.locator("h1", has_text="账号管理")).to_be_visible()
