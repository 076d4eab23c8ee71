"""Volunteer activities in the browser: staff publish an activity through the form and the
review queue; a volunteer on a phone signs up and checks in by the QR link with geolocation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions import attendance
from shegong.volunteers.models import Activity, ServiceRecord, Signup

from .conftest import watch_csp
from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def phone(browser, live_server):
    """A narrow phone that has allowed geolocation, standing at POINT_A."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
        has_touch=True, permissions=["geolocation"],
        geolocation={"latitude": testing.POINT_A[0], "longitude": testing.POINT_A[1]},
    )  # fmt: skip
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def test_staff_create_submit_and_publish_an_activity(page, district, street_a_staff):
    team = testing.team(district["community_a"], name="东关志愿服务队")
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/volunteers/activities/new/?team={team.pk}")
    start = timezone.localtime() + timedelta(days=2)
    page.locator("#id_title").fill("重阳节敬老院陪伴")
    page.locator("#id_category").select_option("elderly")
    page.locator("#id_address").fill("东关敬老院")
    page.locator("#id_lat").fill(str(testing.POINT_A[0]))
    page.locator("#id_lon").fill(str(testing.POINT_A[1]))
    page.locator("#id_starts_at").fill(f"{start:{AT}}")
    page.locator("#id_ends_at").fill(f"{start + timedelta(hours=3):{AT}}")
    page.locator("#id_quota").fill("8")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/volunteers/activities/\d+/$"))
    page.get_by_role("button", name="提交审核").click()
    page.locator("#activity-status", has_text="待审核").wait_for()

    page.goto("/volunteers/activities/review/")
    page.get_by_role("button", name="通过并发布").click()
    page.wait_for_url(re.compile(r"/volunteers/activities/review/$"))
    expect(page.get_by_text("没有待审核的活动")).to_be_visible()
    activity = Activity.objects.get()
    assert activity.status == "published" and activity.shifts.get().quota == 8


def test_a_volunteer_signs_up_and_checks_in_on_a_phone(phone, district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关志愿者")
    volunteer = testing.volunteer(district["community_a"], name="东关志愿者", account=account)
    team = testing.team(district["community_a"], name="东关志愿服务队")
    # Starts in 10 minutes: sign-up is still open and check-in already is (30 minutes early).
    activity = testing.activity(
        team, title="河道清理", starts_at=timezone.now() + timedelta(minutes=10)
    )
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/activities/")
    phone.get_by_role("link", name="河道清理").click()
    phone.get_by_role("button", name="报名这个班次").click()
    phone.get_by_text("报名成功").wait_for()
    assert Signup.objects.get(volunteer=volunteer).status == "confirmed"

    token = attendance.token_for(activity.shifts.get())
    phone.goto(f"/m/activities/checkin/{token}/")
    phone.get_by_role("button", name="签到").click()
    phone.get_by_text("签到成功").wait_for()
    record = ServiceRecord.objects.get()
    assert record.status == "open" and record.check_in_distance_m < 5


def test_staff_sign_a_volunteer_up_and_cancel_on_the_workbench(page, district, street_a_staff):
    volunteer = testing.volunteer(district["community_a"], name="王大爷", birth="19500101")
    team = testing.team(district["community_a"], name="东关志愿服务队")
    activity = testing.activity(
        team, title="社区义诊", starts_at=timezone.now() + timedelta(days=1), quota=5
    )
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/volunteers/activities/{activity.pk}/")
    page.get_by_placeholder("志愿者编号").fill("440000NOSUCH")
    page.get_by_role("button", name="报名", exact=True).click()
    page.get_by_text("未找到该编号的志愿者").wait_for()
    page.get_by_placeholder("志愿者编号").fill(volunteer.number)
    page.get_by_role("button", name="报名", exact=True).click()
    page.get_by_text(f"已为王**（{volunteer.number}）报名").wait_for()
    assert Signup.objects.get(volunteer=volunteer).status == "confirmed"

    page.locator(".signup-cancel summary").click()
    page.get_by_placeholder("取消原因（将通知志愿者）").fill("家属来电告知住院")
    page.get_by_role("button", name="确认取消").click()
    page.get_by_text(f"已取消王**（{volunteer.number}）的报名").wait_for()
    assert Signup.objects.get(volunteer=volunteer).status == "cancelled"
    expect(page.get_by_text("暂无报名")).to_be_visible()
