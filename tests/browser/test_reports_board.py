"""The supervisor board and the public map in a real browser: ECharts draws both charts, the
tables sort, and the public map draws its points without requesting a single tile."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import respond_report, submit_report

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-reports-board.png"


@pytest.fixture
def dispatcher(district):
    return testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")


@pytest.fixture
def cases(district, department_a, handler):
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    for point in (testing.POINT_A, testing.POINT_B):
        report = submit_report(
            actor=rider, category=category, description="路面坑洼", lat=point[0], lon=point[1]
        )
    respond_report(report, actor=handler)


def test_the_board_draws_its_charts_and_sorts_a_table(page, dispatcher, cases):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, dispatcher.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/board/")
    page.locator("#chart-departments canvas").first.wait_for()
    page.locator("#chart-trend canvas").first.wait_for()
    assert page.locator("#rate-response").inner_text() == "100.0%"  # the other is not yet due
    streets = page.locator("#street-table")
    streets.get_by_role("button", name="街道").click()  # descending by name
    first = streets.locator("tbody tr").first.inner_text()
    streets.get_by_role("button", name="街道").click()  # ascending
    assert streets.locator("tbody tr").first.inner_text() != first
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert errors == []


def test_the_public_map_draws_points_without_any_tile(page, cases):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/public/cases/")
    page.wait_for_selector("#case-map[data-ready='2']")
    assert page.locator("#case-map path.leaflet-interactive").count() >= 2  # points, outlines
    outside = [url for url in requested if not url.startswith(page.url.split("/public/")[0])]
    assert outside == []
    page.screenshot(path="/tmp/shegong-public-cases.png", full_page=True)
    assert errors == []
