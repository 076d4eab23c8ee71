"""节假日日历 in the browser: the district administrator opens it from the menu, enters a 2027
holiday and a make-up working day, sees a wrong line refused by its row, and confirms the year;
the 2027 clock then skips the holiday."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from shegong.core.models import CalendarYear
from shegong.core.workdays import calendar_covers, is_workday

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_enters_a_2027_holiday_and_confirms_the_year(page, district, district_admin):
    log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="节假日日历").click()
    page.locator("#year-pick").select_option("2027")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#year-status")).to_contain_text("本年度尚未确认录入完整")

    day_form = page.locator("#day-form")
    day_form.get_by_label("日期").fill("2027-02-11")
    day_form.get_by_label("类型").select_option("放假")
    day_form.get_by_label("名称").fill("春节")
    day_form.get_by_role("button", name="保存").click()
    expect(page.locator("#calendar-days")).to_contain_text("2027-02-11")
    expect(page.locator("#calendar-days")).to_contain_text("春节")
    assert not is_workday(date(2027, 2, 11))

    # A whole list with a wrong line: refused by its row, nothing written.
    page.get_by_label("按行填写").fill("2027-02-11 放假 春节\n2027-02-20 上 班")
    page.get_by_role("button", name="录入 2027 年安排").click()
    expect(page.locator("#import-errors")).to_contain_text("第 2 行")
    assert is_workday(date(2027, 2, 12))

    page.goto("/system/calendar/?year=2027")
    year = "2027-02-11 放假 春节\n2027-02-12 放假 春节\n2027-02-20 上班"
    page.get_by_label("按行填写").fill(year)
    page.get_by_role("button", name="录入 2027 年安排").click()
    expect(page.locator("#calendar-days")).to_contain_text("2027-02-20")
    expect(page.locator("#calendar-days")).to_contain_text("调休上班")
    assert not is_workday(date(2027, 2, 12)) and is_workday(date(2027, 2, 20))

    page.get_by_role("button", name="确认本年度安排已录入完整").click()
    expect(page.locator("#year-status")).to_contain_text("已确认录入完整")
    assert CalendarYear.objects.get(year=2027).complete and calendar_covers(2027)
