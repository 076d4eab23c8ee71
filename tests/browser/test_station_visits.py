"""登记实名服务 in the browser: street staff enter a rider served at the station (by phone, with
the water used), see the masked name in the station's last visits, and a second entry within
30 minutes is refused with the earlier time, nothing written."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.ledger.models import Person
from shegong.stations.models import Facility, Visit
from shegong.stations.tests.visit_fixtures import station, worker

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def test_staff_record_a_named_visit_and_see_it_masked(page, street_a_staff, district):
    # A transactional test starts from flushed tables: seed the two facilities it needs.
    for order, (code, name) in enumerate([("water", "饮水"), ("charging", "充电")]):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    place = station("东关驿站", testing.POINT_A)
    rider = worker(district["community_a"], name="王小骑")
    Person.objects.filter(pk=rider.person_id).update(phone=PHONE)

    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/stations/{place.pk}/")
    form = page.locator("#visit-form")
    assert form.get_by_label("服务时间").input_value()  # now, filled in
    form.get_by_label("身份证号或手机号").fill(PHONE)
    form.get_by_label("饮水").check()
    form.get_by_role("button", name="登记实名服务").click()
    page.wait_for_url(re.compile(rf"/stations/{place.pk}/$"))
    expect(page.get_by_text("已登记实名服务：王**")).to_be_visible()
    row = page.locator("#recent-visits tbody tr").first
    assert "王**" in row.inner_text() and "饮水" in row.inner_text()
    assert "工作人员登记" in row.inner_text() and "王小骑" not in page.content()
    visit = Visit.objects.get()
    assert visit.worker == rider and visit.services == ["water"] and visit.source == "staff"

    page.locator("#visit-form").get_by_label("身份证号或手机号").fill(PHONE)
    page.locator("#visit-form").get_by_role("button", name="登记实名服务").click()
    earlier = timezone.localtime(visit.at).strftime("%H:%M")
    refusal = page.locator("#visit-form .alert-danger")
    expect(refusal.get_by_text(f"已签到（{earlier}）")).to_be_visible()
    assert Visit.objects.count() == 1
