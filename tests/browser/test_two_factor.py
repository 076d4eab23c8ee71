"""A district admin's second factor in the browser: enrol from the QR page, keep the recovery
codes, log in again with one of them."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    """What an authenticator app shows for the secret typed in by hand."""
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{TOTP(b32decode(key)).token():06d}"


def test_a_district_admin_enrols_and_logs_in_again_with_a_recovery_code(page, district):
    admin = testing.user(Role.DISTRICT_ADMIN, district["district"], name="新区管理员")
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(admin.phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()

    # Straight to enrolment; the workbench waits.
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/$"))
    expect(page.locator("#otp-required")).to_be_visible()
    expect(page.locator("#otp-qr svg")).to_be_visible()
    page.goto("/accounts/users/")
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))

    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("验证码").fill("000000" if code_for(secret) != "000000" else "111111")
    page.get_by_role("button", name="确认启用").click()
    expect(page.get_by_text("验证码不正确").first).to_be_visible()

    page.wait_for_timeout(1100)  # django-otp's one-second wait after a failure
    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="确认启用").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.locator("#download-codes").get_attribute("download") == "社工平台恢复码.txt"
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1", has_text="工作台")).to_be_visible()

    # Log out, log in: the password, then a recovery code instead of the app's code.
    page.locator("form[action='/accounts/logout/'] button").first.dispatch_event("click")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("手机号").fill(admin.phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(re.compile(r"/accounts/login/verify/"))
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="验 证").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text("已使用一个恢复码，剩余 9 个")).to_be_visible()
