"""Destructive taps ask first (issue 13, part 6): cancelling a sign-up, leaving a team or the
service, withdrawing a certificate request and withdrawing consent on
a phone, ending an appointment (解聘) on the desktop. Dismissing the dialog changes nothing;
accepting it does what the button says."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.choices import AppointmentKind
from shegong.reports.models import Appointment
from shegong.stations.models import Worker
from shegong.stations.tests.visit_fixtures import worker
from shegong.volunteers.actions import certificate_requests, signups
from shegong.volunteers.models import ServiceRecord, Signup, TeamMember

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


def answer(page, accept: bool, asked: list[str]) -> None:
    """Answer the next confirm() dialog, remembering its question."""

    def handle(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)


def test_a_volunteer_is_asked_before_cancelling_a_sign_up(phone, district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关志愿者")
    volunteer = testing.volunteer(district["community_a"], name="东关志愿者", account=account)
    team = testing.team(district["community_a"], name="东关志愿服务队")
    tomorrow = timezone.now() + timedelta(days=1)
    activity = testing.activity(team, title="河道清理", starts_at=tomorrow)
    signups.sign_up(activity.shifts.get(), volunteer, actor=account)
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto(f"/m/activities/{activity.pk}/")
    asked: list[str] = []

    answer(phone, False, asked)
    phone.get_by_role("button", name="取消报名").click()
    phone.wait_for_timeout(300)
    assert asked and "取消" in asked[0] and "报名" in asked[0]
    assert Signup.objects.get(volunteer=volunteer).status == "confirmed"
    expect(phone.get_by_text("✓ 已报名")).to_be_visible()

    answer(phone, True, asked)
    phone.get_by_role("button", name="取消报名").click()
    phone.get_by_role("button", name="报名这个班次").wait_for()
    assert len(asked) == 2
    assert Signup.objects.get(volunteer=volunteer).status == "cancelled"


def test_a_rider_is_asked_before_withdrawing_consent(phone, district):
    rider = worker(district["community_a"])
    log_in(phone, rider.person.user.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/worker/withdraw/")
    asked: list[str] = []

    answer(phone, False, asked)
    phone.get_by_role("button", name="确认撤回同意并注销").click()
    phone.wait_for_timeout(300)
    assert asked and "不能恢复" in asked[0]
    assert Worker.objects.live().count() == 1
    assert phone.url.endswith("/m/worker/withdraw/")

    answer(phone, True, asked)
    phone.get_by_role("button", name="确认撤回同意并注销").click()
    phone.wait_for_url(re.compile(r"/m/$"))
    assert Worker.objects.live().count() == 0


def test_staff_are_asked_before_ending_an_appointment(page, district, district_admin):
    supervisor = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    appointment = Appointment.objects.create(
        user=supervisor, kind=AppointmentKind.SUPERVISOR, appointed_by="示范区城管局",
        region=district["community_a"], appointed_on=timezone.localdate() - timedelta(days=30),
    )  # fmt: skip
    log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/appointments/")
    asked: list[str] = []

    page.locator("summary", has_text="解聘").click()  # opens the date of the ending
    answer(page, False, asked)
    page.get_by_role("button", name="确定解聘").click()
    page.wait_for_timeout(300)
    assert asked == ["确定解聘？"]
    appointment.refresh_from_db()
    assert appointment.ended_on is None

    answer(page, True, asked)
    page.get_by_role("button", name="确定解聘").click()
    page.get_by_text("已解聘").first.wait_for()
    appointment.refresh_from_db()
    assert appointment.ended_on == timezone.localdate()


def test_a_volunteer_is_asked_before_leaving_a_team(phone, district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关队员")
    volunteer = testing.volunteer(district["community_a"], name="东关队员", account=account)
    team = testing.team(district["community_a"], name="东关助老服务队")
    member = TeamMember.objects.create(team=team, volunteer=volunteer)
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/")
    asked: list[str] = []

    answer(phone, False, asked)
    phone.get_by_role("button", name="退出东关助老服务队").click()
    phone.wait_for_timeout(300)
    assert asked and "确定退出「东关助老服务队」" in asked[0]
    member.refresh_from_db()
    assert member.left_on is None

    answer(phone, True, asked)
    phone.get_by_role("button", name="退出东关助老服务队").click()
    phone.get_by_text("您已退出「东关助老服务队」").wait_for()
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    expect(phone.get_by_text("还没有加入队伍。")).to_be_visible()


def test_a_volunteer_is_asked_before_leaving_volunteer_service(phone, district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关志愿者")
    volunteer = testing.volunteer(district["community_a"], name="东关志愿者", account=account)
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/")
    asked: list[str] = []

    answer(phone, False, asked)
    phone.get_by_role("button", name="退出志愿服务").click()
    phone.wait_for_timeout(300)
    assert asked and "确定退出志愿服务？" in asked[0]
    volunteer.refresh_from_db()
    assert volunteer.status == "active"

    answer(phone, True, asked)
    phone.get_by_role("button", name="退出志愿服务").click()
    phone.get_by_text("您已退出志愿服务").first.wait_for()
    volunteer.refresh_from_db()
    assert volunteer.status == "left"
    expect(phone.get_by_role("button", name="重新加入志愿服务")).to_be_visible()


def test_a_volunteer_is_asked_before_withdrawing_a_certificate_request(phone, district):
    community = district["community_a"]
    account = testing.user(Role.VOLUNTEER, community, name="李小红")
    volunteer = testing.volunteer(community, name="李小红", account=account)
    team = testing.team(community, name="东关助老服务队", phone="0551-6000001")
    day = timezone.localdate() - timedelta(days=3)
    ServiceRecord.objects.create(
        volunteer=volunteer, team=team, region=community, kind="manual", status="approved",
        content="陪伴独居老人", served_on=day, hours=Decimal("4.50"),
    )  # fmt: skip
    request = certificate_requests.request_certificate(
        volunteer, team, actor=account, period_start=day, period_end=day, purpose="升学"
    )
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/hours/")
    asked: list[str] = []

    answer(phone, False, asked)
    phone.get_by_role("button", name="撤回向东关助老服务队的申请").click()
    phone.wait_for_timeout(300)
    assert asked == ["确定撤回向东关助老服务队提出的证明申请？"]
    request.refresh_from_db()
    assert request.status == "requested"

    answer(phone, True, asked)
    phone.get_by_role("button", name="撤回向东关助老服务队的申请").click()
    phone.get_by_role("button", name="撤回向东关助老服务队的申请").wait_for(state="detached")
    request.refresh_from_db()
    assert request.status == "withdrawn"
