"""The coverage dashboard in a real browser: ECharts draws both charts from the vendored file;
the rates come per group (非公企业, 社会组织, 个体工商户), and a group's figure opens a list of
exactly that many units."""

from __future__ import annotations

import re

import pytest

from shegong.ledger.choices import CoverageMode, OrgKind
from shegong.ledger.tests.test_rules import FULL, MASSES, org

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-ledger-coverage.png"


def test_the_coverage_dashboard_draws_its_charts(page, district_admin, district):
    org(district["grid_a"], staff=(FULL, FULL, FULL))
    org(district["grid_a"], staff=(FULL, MASSES), mode=CoverageMode.JOINT)
    org(district["grid_b"], staff=(MASSES,), mode=CoverageMode.INSTRUCTOR)
    org(district["grid_b"], kind=OrgKind.PLATFORM, staff=(FULL,), mode=CoverageMode.AFFILIATED)
    org(district["grid_b"], kind=OrgKind.INDIVIDUAL)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/ledger/coverage/")
    page.locator("#chart-rates canvas").first.wait_for()
    page.locator("#chart-modes canvas").first.wait_for()
    assert page.locator("canvas").count() >= 2
    assert page.evaluate("typeof window.echarts") == "object"
    table = page.locator("#coverage-table")
    assert table.locator("tbody tr").count() == 2
    assert "东城街道" in table.inner_text() and "西城街道" in table.inner_text()
    # Counts only in that table: the rates are per group, in their own table and cards.
    assert "覆盖率" not in table.locator("thead").inner_text()
    rates = page.locator("#rates-table")
    assert rates.locator("thead").inner_text().count("组织覆盖率") == 3
    totals = rates.locator("tfoot").inner_text()
    assert "25.0%" in totals  # 非公企业: joint 1 of 4 (the 挂靠 platform is not 组织覆盖)
    non_public = page.locator("[data-sg-group='non_public']")
    assert "非公企业组织覆盖率" in non_public.inner_text() and "25.0%" in non_public.inner_text()
    assert "工作覆盖率 75.0%" in non_public.inner_text()  # joint, instructor, 挂靠 of 4
    shops = page.locator("[data-sg-group='individual']")
    assert "0.0%" in shops.inner_text()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert errors == []

    units = non_public.locator("a[data-sg-count]").nth(1)
    assert units.inner_text() == "4"
    units.click()
    page.wait_for_url(re.compile(r"kind=non_public"))
    assert page.locator("[data-sg-total]").first.get_attribute("data-sg-total") == "4"
    assert page.locator("tbody tr").count() == 4
