"""A dispute on a service record in the browser: the volunteer raises it on the phone, the team
leader answers it on the workbench with a correction (after ticking the confirmation), and the
volunteer sees the corrected total and the answer."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.models import RecordDispute, ServiceRecord, Volunteer

from .conftest import watch_csp
from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
        has_touch=True,
    )  # fmt: skip
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def test_a_dispute_is_raised_on_the_phone_and_answered_with_a_correction(phone, page, district):
    community = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, community, name="时长队长")
    leader = testing.volunteer(community, name="时长队长", account=leader_user)
    team = testing.team(community, name="东关助老服务队", leader=leader)
    member_user = testing.user(Role.VOLUNTEER, community, name="李小红")
    member = testing.volunteer(community, name="李小红", account=member_user)
    record = ServiceRecord.objects.create(
        volunteer=member, team=team, region=community, kind="manual", status="approved",
        content="陪伴独居老人", served_on=timezone.localdate() - timedelta(days=3),
        hours=Decimal("2.00"),
    )  # fmt: skip
    Volunteer.objects.filter(pk=member.pk).update(hours=Decimal("2.00"))

    log_in(phone, member_user.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/hours/")
    phone.locator("#my-records").get_by_role("link", name=re.compile("提出异议")).click()
    phone.wait_for_url(re.compile(rf"/m/volunteer/records/{record.pk}/dispute/$"))
    phone.get_by_label("异议理由").fill("当天服务了 3 小时，签退时手机没电")
    phone.get_by_label("您认为应为（小时，可不填）").fill("3")
    phone.get_by_role("button", name="提交异议").click()
    phone.get_by_text("已提交异议").wait_for()
    expect(phone.locator("#my-disputes").get_by_text("待答复")).to_be_visible()
    dispute = RecordDispute.objects.get()

    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/disputes/")
    row = page.locator(f"#dispute-{dispute.pk}")
    expect(row.get_by_text("签退时手机没电")).to_be_visible()
    row.get_by_role("link", name=f"处理 {member.number} 的异议").click()
    page.wait_for_url(re.compile(rf"/volunteers/disputes/{dispute.pk}/$"))
    page.get_by_label("更正时长").check()
    page.get_by_label("更正后的时长（小时）").fill("3")
    page.get_by_label("答复意见").fill("核对纸质签到表，当日服务 3 小时")
    # Without the confirmation tick the answer is not sent (the box is required).
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("#dispute-status")).to_have_text("待答复")
    assert not ServiceRecord.objects.filter(kind="adjustment").exists()
    page.get_by_label("我已核实该记录，确认提交答复（将通知志愿者）").check()
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("#dispute-status")).to_have_text("已更正")
    record.refresh_from_db()
    assert record.hours == Decimal("2.00")  # the original is never edited
    assert ServiceRecord.objects.get(kind="adjustment").hours == Decimal("1.00")

    phone.goto("/m/volunteer/hours/")
    expect(phone.locator("#my-disputes").get_by_text("已更正")).to_be_visible()
    expect(
        phone.locator("#my-disputes").get_by_text(re.compile("答复：核对纸质签到表"))
    ).to_be_visible()
    member.refresh_from_db()
    assert member.hours == Decimal("3.00")
