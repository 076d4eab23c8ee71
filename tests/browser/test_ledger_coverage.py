"""The coverage dashboard in a real browser: ECharts draws both charts from the vendored file."""

from __future__ import annotations

import re

import pytest

from shegong.ledger.choices import CoverageMode
from shegong.ledger.tests.test_rules import FULL, MASSES, org

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-ledger-coverage.png"


def test_the_coverage_dashboard_draws_its_charts(page, district_admin, district):
    org(district["grid_a"], staff=(FULL, FULL, FULL))
    org(district["grid_a"], staff=(FULL, MASSES), mode=CoverageMode.JOINT)
    org(district["grid_b"], staff=(MASSES,), mode=CoverageMode.INSTRUCTOR)
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
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert errors == []
