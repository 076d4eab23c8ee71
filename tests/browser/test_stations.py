"""Station management in the browser: a new station with split hours (copied from Monday to
the working days by the editor's helper) and two facilities, then seen in the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.stations.models import Facility, Station

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_station_with_split_hours_and_two_facilities(page, street_a_staff):
    # A transactional test starts from flushed tables: seed the two facilities it needs.
    for order, (code, name) in enumerate([("water", "饮水"), ("charging", "充电")]):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/stations/new/")
    page.locator("#id_name").fill("东关暖新驿站（人民路）")
    page.locator("#id_address").fill("东关人民路18号")
    page.locator("#id_lat").fill(str(testing.POINT_A[0]))
    page.locator("#id_lon").fill(str(testing.POINT_A[1]))
    page.get_by_label("饮水").check()
    page.get_by_label("充电").check()
    page.locator('[name="d1_0_start"]').fill("08:00")
    page.locator('[name="d1_0_end"]').fill("12:00")
    page.locator('[name="d1_1_start"]').fill("14:00")
    page.locator('[name="d1_1_end"]').fill("20:00")
    page.get_by_role("button", name="复制周一到工作日").click()
    assert page.locator('[name="d5_1_end"]').input_value() == "20:00"
    assert page.locator('[name="d6_0_start"]').input_value() == ""
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/stations/\d+/$"))
    expect(page.get_by_text("已新建驿站")).to_be_visible()
    station = Station.objects.get()
    assert station.schedule["week"]["5"] == [["08:00", "12:00"], ["14:00", "20:00"]]
    assert station.schedule["week"]["6"] == []
    assert set(station.facilities.values_list("code", flat=True)) == {"water", "charging"}
    assert "08:00–12:00、14:00–20:00" in page.locator("#week-hours").inner_text()

    page.goto("/stations/")
    expect(page.locator("#station-table").get_by_text("东关暖新驿站（人民路）")).to_be_visible()
