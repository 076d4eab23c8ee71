"""Logging in from an address that failed too often: the page says how long to wait."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core import limits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = 1_800_000_000.0


def log_in(page, phone: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登 录").click()


def test_a_throttled_address_is_told_when_to_retry_and_then_gets_in(
    page, street_a_staff, settings, monkeypatch
):
    settings.SHEGONG_LOGIN_IP_FAILURE_LIMIT = 2
    settings.SHEGONG_LOGIN_IP_DELAY_SECONDS = 5
    clock = {"at": T0}
    monkeypatch.setattr(limits, "now", lambda: clock["at"])  # the live server runs in-process

    for phone in ("13700000001", "13700000002"):
        log_in(page, phone, "Wrong#Pass1")
        expect(page.get_by_text("手机号或密码不正确")).to_be_visible()

    log_in(page, street_a_staff.phone, testing.PASSWORD)
    message = page.locator("#throttle-message")
    assert message.inner_text().strip() == "登录尝试过于频繁，请 5 秒后再试"
    assert page.get_by_label("手机号").input_value() == street_a_staff.phone

    clock["at"] += 5
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1", has_text="工作台")).to_be_visible()
