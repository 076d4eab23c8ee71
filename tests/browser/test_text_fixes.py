"""Small texts that erode trust (issue 13, part 6), seen in a browser: a grid's full name says
its community once, the automatic acknowledgement is the system's 自动回复 and not the
department's 备注, and the 403 page ends its sentence."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report
from shegong.reports.choices import Status
from shegong.reports.models import ResponseTemplate

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_page_names_the_grid_once_and_labels_the_automatic_reply(
    page, district, department_a
):
    dispatcher = testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    ResponseTemplate.objects.create(
        category=None, status=Status.TRANSFERRED, title="受理告知", auto=True,
        text="您反映的问题（编号{{ number }}）已转{{ department }}办理。",
    )  # fmt: skip
    report = submit_report(
        actor=rider, category=category, description="路面坑洼",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    log_in(page, dispatcher.phone)
    page.wait_for_load_state()
    page.goto(f"/reports/{report.pk}/")
    main = page.locator("main").inner_text()
    assert "东关社区第一网格" in main and "东关社区东关社区" not in main
    ack = page.locator("#timeline li", has_text="已转城管局办理")
    assert ack.locator(".fw-semibold").inner_text() == "自动回复"
    assert "系统自动发送" in ack.inner_text() and "备注" not in ack.inner_text()


def test_the_403_page_ends_its_sentence(page, district):
    resident = testing.user(Role.RESIDENT, district["community_a"], name="东关居民")
    log_in(page, resident.phone)
    page.wait_for_load_state()
    page.goto("/audit/")
    text = page.locator("main").inner_text()
    assert "您当前的角色没有此操作的权限。如需此权限" in text
