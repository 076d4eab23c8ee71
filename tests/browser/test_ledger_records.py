"""A street staff member keeps the ledger in the browser: register, find, open, edit, history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.ledger.tests import records_fixtures as build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, phone: str) -> None:
    testing.browser_log_in(page, phone)
    page.wait_for_url(re.compile(r"/$"))


def test_street_staff_registers_an_organization_and_sees_its_edit_in_the_history(
    page, street_a_staff, district
):
    code = build.credit_code()
    log_in(page, street_a_staff.phone)

    page.goto("/ledger/organizations/")
    page.get_by_role("link", name="登记组织").click()
    page.get_by_label("类型").select_option(label="非公企业")
    page.get_by_label("名称").fill("东关智造科技有限公司")
    page.get_by_label("统一社会信用代码").fill(code.lower())
    page.get_by_label("所属街道/社区/网格").select_option(district["grid_a"].code)
    page.get_by_label("从业人员数").fill("12")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r"/ledger/organizations/\d+/$"))
    expect(page.get_by_text("已登记组织：东关智造科技有限公司")).to_be_visible()

    page.goto("/ledger/organizations/")
    page.get_by_label("名称/信用代码").fill("智造")
    page.get_by_role("button", name="查询").click()
    row = page.locator("#organization-table tbody tr", has_text="东关智造科技有限公司")
    row.wait_for()
    row.get_by_role("link", name="东关智造科技有限公司").click()
    page.wait_for_url(re.compile(r"/ledger/organizations/\d+/$"))
    expect(page.get_by_text(code)).to_be_visible()

    page.locator("main a[href$='/edit/']").click()
    page.get_by_label("从业人员数").fill("30")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_url(re.compile(r"/ledger/organizations/\d+/$"))
    history = page.locator("#history")
    expect(history.get_by_text("修改组织")).to_be_visible()
    change = history.locator("li", has_text="从业人员数").first
    assert "12" in change.inner_text() and "30" in change.inner_text()
    page.screenshot(path="/tmp/shegong-ledger-organization.png", full_page=True)
