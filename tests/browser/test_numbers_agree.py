"""Numbers agree (issue 13, part 4) in a real browser: a person clicks a figure and finds a
list of exactly that many rows, and a building counted covered is listed covered."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.choices import CoverageMode, OrgKind, OrgStatus
from shegong.ledger.tests.test_rules import FULL, MASSES, org
from shegong.reports.actions.reports import reassign_report, submit_report

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-numbers-{}.png"


@pytest.fixture
def dispatcher(district):
    return testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")


def total(page) -> int:
    return int(page.locator("[data-sg-total]").first.get_attribute("data-sg-total"))


def test_street_staff_click_the_ledger_figures_and_find_as_many_rows(
    page, street_a_staff, district
):
    grid = district["grid_a"]
    building = org(grid, kind=OrgKind.BUILDING, name="东城大厦")
    org(grid, container=building, name="入驻企业", staff=(FULL,), mode=CoverageMode.JOINT)
    org(grid, name="应建企业", staff=(FULL, FULL, FULL))
    org(grid, name="普通企业", staff=(MASSES,))
    org(grid, name="已注销企业", status=OrgStatus.CLOSED)

    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    figure = page.locator("#card-ledger [data-sg-count]").first
    assert figure.get_attribute("data-sg-count") == "3"
    page.screenshot(path=SCREENSHOT.format("home"), full_page=True)
    figure.click()
    page.wait_for_url(re.compile(r"/ledger/organizations/\?"))
    assert total(page) == 3 and page.locator("tbody tr").count() == 3
    assert "东城大厦" not in page.locator("tbody").inner_text()

    page.goto("/ledger/coverage/")
    covered = page.locator("#container-table a[href*='coverage=covered']")
    assert covered.inner_text() == "1"
    page.screenshot(path=SCREENSHOT.format("coverage"), full_page=True)
    covered.click()
    page.wait_for_url(re.compile(r"coverage=covered"))
    assert total(page) == 1
    assert "已覆盖（入驻单位）" in page.locator("tbody").inner_text()


def test_a_department_sees_as_many_open_cases_as_its_open_tab_says(
    page, handler, dispatcher, district, department_a
):
    from shegong.accounts.models import Department

    other = Department.objects.create(code="scjg", name="市场监管局", region=district["district"])
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    for point in (testing.POINT_A, testing.POINT_B):
        submit_report(actor=rider, category=category, description="井盖缺失",
                      lat=point[0], lon=point[1])  # fmt: skip
    lost = submit_report(actor=rider, category=category, description="路灯不亮",
                         lat=testing.POINT_A[0], lon=testing.POINT_A[1])  # fmt: skip
    reassign_report(lost, actor=dispatcher, department=other, note="属市场监管")

    log_in(page, handler.phone)
    page.goto("/reports/")
    tab = page.locator("a[data-sg-count][aria-current='page']")
    assert tab.get_attribute("data-sg-count") == "2"
    assert page.locator("#report-table tbody tr").count() == 2
    assert total(page) == 2
    page.screenshot(path=SCREENSHOT.format("queue"), full_page=True)
