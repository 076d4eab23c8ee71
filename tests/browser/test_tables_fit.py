"""Tables fit their cards on a 1440-px screen (issue 13, part 6): the board's 按问题类别 and
按街道, the appointments with their 解聘 column, the service-records filters. Long names stay
on one line, cut, with the whole name in a tooltip (``.sg-trunc`` with ``title``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.appointments import appoint
from shegong.reports.actions.reports import respond_report, submit_report

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 900}
SCREENSHOT = "/tmp/shegong-tables-fit-{}.png"
LONG_CATEGORY = "楼道堆物、飞线充电与电动自行车违规停放充电"
LONG_UNIT = "示范区城市管理行政执法局东城中队"

# Every card's table box (or the card body) whose content is wider than the box itself.
OVERFLOWING = """() => [...document.querySelectorAll('.card .table-responsive, .card .card-body')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => (box.querySelector('table') || box).id || box.className)"""


def overflowing(page) -> list[str]:
    return page.evaluate(OVERFLOWING)


@pytest.fixture
def board_cases(district, department_a, handler):
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    for n, name in enumerate((LONG_CATEGORY, "道路破损")):
        category = testing.report_category(f"cat-{n}", name)
        testing.routing_rule(category, district["district"], department_a)
        for point in (testing.POINT_A, testing.POINT_B):
            report = submit_report(
                actor=rider, category=category, description="现场问题", lat=point[0], lon=point[1]
            )
        respond_report(report, actor=handler)


def test_the_boards_tables_fit_and_long_names_have_a_tooltip(page, district, board_cases):
    dispatcher = testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")
    page.set_viewport_size(WIDE)
    log_in(page, dispatcher.phone)
    page.wait_for_load_state()
    page.goto("/reports/board/")
    page.locator("#category-table").wait_for()
    assert overflowing(page) == []
    name = page.locator("#category-table tbody th .sg-trunc", has_text=LONG_CATEGORY[:6])
    assert name.get_attribute("title") == LONG_CATEGORY
    # One line, not four: the cell is no taller than a row of numbers.
    row = name.locator("xpath=ancestor::tr")
    assert row.bounding_box()["height"] < 48
    page.screenshot(path=SCREENSHOT.format("board"), full_page=True)


def test_the_appointments_fit_beside_the_appoint_form_and_dismissal_opens_its_date(
    page, district, district_admin
):
    for n in range(3):
        rider = testing.user(Role.WORKER, district["community_a"], name=f"骑手{n}")
        appoint(
            rider,
            actor=district_admin,
            kind="supervisor",
            appointed_by=LONG_UNIT,
            appointed_on=timezone.localdate() - timedelta(days=30),
            region=district["street_a"],
        )
    page.set_viewport_size(WIDE)
    log_in(page, district_admin.phone)
    page.wait_for_load_state()
    page.goto("/reports/appointments/")
    page.locator("#appoint-form").wait_for()
    page.screenshot(path=SCREENSHOT.format("appointments"), full_page=True)
    assert overflowing(page) == []
    unit = page.locator("#appointment-table .sg-trunc", has_text=LONG_UNIT[:4]).first
    assert unit.get_attribute("title") == LONG_UNIT
    # 解聘 is one button; its date opens under it, and still nothing overflows.
    assert not page.get_by_label("解聘日期").first.is_visible()
    page.locator("summary", has_text="解聘").first.click()
    expect(page.get_by_label("解聘日期").first).to_be_visible()
    expect(page.get_by_role("button", name="确定解聘").first).to_be_visible()
    page.screenshot(path=SCREENSHOT.format("appointments"), full_page=True)


def test_the_record_filters_fit_with_every_field_wide_enough_to_read(page, district):
    community = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, community, name="时长队长")
    leader = testing.volunteer(community, name="时长队长", account=leader_user)
    testing.team(community, name="东关社区助老志愿服务队", leader=leader)
    page.set_viewport_size(WIDE)
    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/records/")
    filters = page.locator("#record-filters")
    filters.wait_for()
    assert overflowing(page) == []
    for control in filters.locator("select, input:not([type=checkbox])").all():
        assert control.bounding_box()["width"] >= 120, control.get_attribute("name")
    for label in filters.locator("label.form-label").all():
        assert label.bounding_box()["height"] < 30, label.inner_text()  # one line
    page.screenshot(path=SCREENSHOT.format("records"), full_page=True)
