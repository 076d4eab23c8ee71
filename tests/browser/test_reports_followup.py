"""The 回访 and the 差评 re-handling on the case page: the desk records the requester's answer
(unsolved, 不满意), the lead department sees the 15-working-day clock and re-handles the case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import resolve_report, submit_report, verify_report
from shegong.reports.models import Report

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_records_a_bad_followup_and_the_department_rehandles(
    page, district, handler, department_a
):
    dispatcher = testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category("road", "道路破损")
    testing.routing_rule(category, district["district"], department_a)
    report = submit_report(
        actor=rider, category=category, description="东关路人行道砖松动",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    resolve_report(report, actor=handler, result="已重新铺砖")
    verify_report(report, actor=rider)

    log_in(page, dispatcher.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/reports/{report.pk}/")
    page.locator("#action-followup summary").click()
    page.get_by_role("button", name="确认记录回访").click()  # nothing chosen: refused
    expect(page.get_by_text("请选择问题是否已解决")).to_be_visible()
    page.get_by_label("群众反映问题是否解决").select_option(label="未解决")
    page.get_by_label("群众满意度").select_option(label="不满意")
    page.get_by_label("回访记录").fill("群众称雨后仍积水")
    page.get_by_role("button", name="确认记录回访").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("#followup")).to_contain_text("未解决")
    expect(page.locator("#rehandle")).to_contain_text("待重办")

    page.context.clear_cookies()
    log_in(page, handler.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/?status=all&rehandle=due")
    page.locator("tr", has_text=report.number).get_by_role("link", name=report.number).click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    page.locator("#action-rehandle summary").click()
    page.get_by_label("重新办理情况").fill("已疏通排水口并重新铺砖")
    page.get_by_role("button", name="确认差评重新办理").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("#rehandle")).to_contain_text("已重新办理")

    report = Report.objects.get(pk=report.pk)
    assert report.followup_solved is False
    assert report.rehandle_result == "已疏通排水口并重新铺砖"
