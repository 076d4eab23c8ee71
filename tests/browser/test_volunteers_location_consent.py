"""The separate consent to the check-in location on a phone (PIPL art. 29): the QR check-in page
asks for it as its own step; agreeing checks in with the position, declining checks in by the
code alone with no position kept; the volunteer withdraws it from their own page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.volunteers.actions import attendance
from shegong.volunteers.models import ServiceRecord, Signup, Volunteer

from .conftest import watch_csp
from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A narrow phone that would allow geolocation, standing at POINT_A."""
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


def _signed_up(district):
    """A volunteer without the location consent, confirmed on a shift starting in 10 minutes."""
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关志愿者")
    volunteer = testing.volunteer(
        district["community_a"], name="东关志愿者", account=account, location_consent_at=None
    )
    team = testing.team(district["community_a"], name="东关志愿服务队")
    activity = testing.activity(
        team, title="河道清理", starts_at=timezone.now() + timedelta(minutes=10)
    )
    shift = activity.shifts.get()
    Signup.objects.create(shift=shift, volunteer=volunteer, status="confirmed")
    return account, volunteer, shift


def test_the_check_in_asks_for_the_location_consent_then_withdrawn_at_home(phone, district):
    account, volunteer, shift = _signed_up(district)
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto(f"/m/activities/checkin/{attendance.token_for(shift)}/")
    step = phone.locator("#va-location-consent")
    step.get_by_text("是否同意签到时使用您的位置？").wait_for()
    step.locator("summary").click()
    step.get_by_text("不记录您的行动轨迹", exact=False).wait_for()
    assert phone.locator("#va-checkin-form").count() == 0  # no position asked before consent

    step.get_by_role("button", name="同意，使用位置签到").click()
    phone.get_by_text("已同意签到、签退时使用位置信息").wait_for()
    assert re.search(r"/m/activities/checkin/[^/]+/$", phone.url)
    phone.locator("#va-checkin-form").get_by_role("button", name="签到").click()
    phone.get_by_text("签到成功").wait_for()
    record = ServiceRecord.objects.get()
    assert record.check_in_distance_m is not None and record.check_in_distance_m < 5

    phone.goto("/m/volunteer/")
    card = phone.locator("#volunteer-location-consent")
    card.get_by_text("签到位置信息：已同意").wait_for()
    phone.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="撤回签到位置信息同意").click()
    phone.get_by_text("已撤回：签到、签退不再读取您的位置").wait_for()
    phone.locator("#volunteer-location-consent").get_by_text("签到位置信息：未同意").wait_for()
    assert Volunteer.objects.get(pk=volunteer.pk).location_consent_at is None
    assert AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_GIVEN).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.LOCATION_CONSENT_WITHDRAWN).count() == 1


def test_declining_checks_in_by_the_code_alone(phone, district):
    account, volunteer, shift = _signed_up(district)
    log_in(phone, account.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto(f"/m/activities/checkin/{attendance.token_for(shift)}/")
    phone.get_by_role("button", name="不同意，不使用位置签到").click()
    phone.get_by_text("签到成功").wait_for()
    record = ServiceRecord.objects.get()
    assert record.volunteer_id == volunteer.pk and record.check_in_distance_m is None
    assert Volunteer.objects.get(pk=volunteer.pk).location_consent_at is None
    # Checking out asks again, and declining again keeps no position either.
    phone.get_by_role("button", name="不同意，不使用位置签退").wait_for()
