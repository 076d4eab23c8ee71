"""The loop on the staff pages: the desk transfers a case, 城管局 responds and resolves it."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report
from shegong.reports.choices import Status

from .conftest import image_decoded
from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dispatcher(district):
    return testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")


@pytest.fixture
def rider(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手小王")


def test_the_desk_transfers_and_the_department_responds_and_resolves_with_a_photo(
    page, dispatcher, handler, rider, department_a, tmp_path
):
    category = testing.report_category("manhole", "井盖问题")  # no routing rule: at the desk
    report = submit_report(
        actor=rider, category=category, description="东关路口井盖松动",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip

    log_in(page, dispatcher.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/dispatch/")
    case = page.locator(f"#desk-case-{report.pk}")
    case.get_by_text("派单", exact=True).click()
    case.get_by_label("主办部门").select_option(label="城管局")
    case.get_by_role("button", name="确认派单").click()
    page.wait_for_url(re.compile(r"/reports/dispatch/$"))
    expect(page.get_by_text(f"工单 {report.number} 已派至城管局")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, handler.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/")
    row = page.locator("tr", has_text=report.number)
    assert "剩余 23小时" in row.locator(".sg-countdown").inner_text()
    row.get_by_role("link", name=report.number).click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))

    page.locator("#action-respond summary").click()
    page.get_by_role("button", name="确认响应").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.get_by_text(f"已响应工单 {report.number}")).to_be_visible()

    photo = tmp_path / "after.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 160, 60)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    page.locator("#action-resolve summary").click()
    page.get_by_label("办理结果").fill("已更换井盖并加固")
    page.get_by_label("办理后照片").set_input_files(str(photo))
    page.get_by_role("button", name="确认办理完毕").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("#result").get_by_text("已更换井盖并加固")).to_be_visible()
    assert image_decoded(page.locator("#result img"))

    report.refresh_from_db()
    assert report.status == Status.RESOLVED and len(report.result_photos) == 1
