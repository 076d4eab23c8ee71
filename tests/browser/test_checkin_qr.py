"""The rotating check-in QR page (issue 13, part 6): a printed rotating code is useless, so the
page offers no 打印 and a printout shows a note instead of the code; its buttons are styled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_big_screen_qr_offers_no_print_and_a_printout_shows_no_code(page, district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关队长")
    leader = testing.volunteer(district["community_a"], name="东关队长", account=account)
    team = testing.team(district["community_a"], name="东关志愿服务队", leader=leader)
    activity = testing.activity(
        team, title="河道清理", starts_at=timezone.now() + timedelta(hours=1)
    )
    shift = activity.shifts.get()
    log_in(page, account.phone)
    # A team's leader at a desktop lands on the team workbench (issue 13, part 1), else on /m/.
    page.wait_for_url(re.compile(r"/(m/)?$"))

    page.goto(f"/m/activities/shifts/{shift.pk}/qr/")
    assert page.get_by_text("打印").count() == 0
    big = page.get_by_role("link", name="大屏投屏版")
    assert "rp-btn" in (big.get_attribute("class") or "")  # a button, not a bare link
    big.click()

    page.wait_for_url(re.compile(rf"/volunteers/activities/shifts/{shift.pk}/qr/$"))
    expect(page.locator("#qr-img")).to_be_visible()
    assert page.get_by_role("button", name="打印").count() == 0
    back = page.get_by_role("link", name="返回活动")
    style = back.evaluate(
        "a => [getComputedStyle(a).borderTopStyle, getComputedStyle(a).textDecorationLine]"
    )
    assert style == ["solid", "none"]

    page.emulate_media(media="print")
    assert not page.locator("#qr-img").is_visible()
    expect(page.get_by_text("打印出来的二维码很快失效")).to_be_visible()
