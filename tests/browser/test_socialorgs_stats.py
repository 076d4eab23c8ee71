"""A registrar opens 统计分析 from the menu, sees the charts drawn (no CSP refusal: the page
fixture fails on one), switches the year, follows a figure to its list and downloads the
Excel file."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(registrar, district, serial, registered):
    return records.register_social_org(
        {
            "org_type": "association", "name": f"东关协会{serial}",
            "credit_code": credit_code("association", "341271", serial),
            "registration_number": f"示民证字第{serial:05d}号",
            "registration_authority": "示范区民政局", "registered_on": registered,
            "region": district["community_a"].code, "status": "normal",
        },
        actor=registrar,
    )  # fmt: skip


def test_registrar_reads_the_statistics(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    last = date.today().year - 1
    _register(registrar, district, 1, f"{last}-03-01")
    _register(registrar, district, 2, f"{last}-04-01")
    closing = _register(registrar, district, 3, f"{last - 1}-05-01")
    records.change_status(
        closing, "deregistered", legal_basis="注销登记", actor=registrar,
        effective_on=date(last - 1, 12, 1),
    )  # fmt: skip
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/workbench/")
    page.locator("#workbench-links").get_by_role("link", name="统计分析").click()
    page.wait_for_url(re.compile(r"/socialorgs/stats/"))
    for chart in ("by-type", "by-status", "by-street", "by-year"):
        page.locator(f"#chart-{chart} canvas").first.wait_for()
    registered = page.locator('[data-indicator="records.registered"] a[data-sg-count]')
    assert registered.inner_text() == "2"
    # The year before: one registration, one 注销.
    page.locator("#id_year").select_option(str(last - 1))
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"year={last - 1}"))
    assert registered.inner_text() == "1"
    deregistered = page.locator('[data-indicator="records.deregistered"] a[data-sg-count]')
    assert deregistered.inner_text() == "1"
    page.locator("#chart-by-year canvas").first.wait_for()
    with page.expect_download() as download:
        page.locator("#stats-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    deregistered.click()
    page.wait_for_url(re.compile(r"/socialorgs/\?"))
    assert page.locator("[data-sg-total]").first.get_attribute("data-sg-total") == "1"
    expect(page.get_by_role("link", name="东关协会3")).to_be_visible()
