"""下派 end to end: street staff assign a case to the community on the case page (with a
confirmation), the community's worker opens it on a phone (390×844) and answers, and the case
page's timeline shows both steps while the clock is unchanged."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/shegong-assign-down-{}.png"


def test_street_assigns_down_and_the_community_worker_answers_on_a_phone(
    page, browser, live_server, district
):
    department = Department.objects.create(code="cgj", name="城管局", region=district["district"])
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department)
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    street = testing.user(Role.STREET_STAFF, district["street_a"], name="街道小赵")
    worker = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="社区老周")
    report = submit_report(
        actor=rider, category=category, description="东关路人行道地砖松动",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    due = report.response_due_at

    # The street's staff assign it down on the case page, confirming first.
    testing.browser_log_in(page, street.phone)
    page.goto(f"/reports/{report.pk}/")
    card = page.locator("#assign-down")
    card.locator("summary").click()
    card.get_by_label("下派给").select_option(label="东关社区")
    card.get_by_label("说明（可不填）").fill("请到现场核实")
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    card.get_by_role("button", name="确认下派").click()
    page.wait_for_load_state()
    assert questions and "下派" in questions[0]
    expect(page.get_by_text(f"工单 {report.number} 已下派至东关社区")).to_be_visible()
    assert "东关社区" in page.locator("#holder").inner_text()
    assert "待回复" in page.locator("#holder").inner_text()
    page.screenshot(path=SCREENSHOTS.format("staff"), full_page=True)

    # The community worker on a phone: the list, the case, the answer.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, has_touch=True
    )
    refused = watch_csp(context)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    testing.browser_log_in(phone, worker.phone)
    phone.goto("/m/tasks/")
    expect(phone.locator("#tasks").get_by_text("待回复")).to_be_visible()
    phone.locator("#tasks a").first.click()
    phone.wait_for_url(re.compile(rf"/m/tasks/{report.pk}/$"))
    assert "请到现场核实" in phone.locator("#timeline").inner_text()
    phone.get_by_label("回复", exact=True).fill("已到现场，地砖已临时固定，已通知物业维修")
    phone.get_by_role("button", name="提交回复").click()
    phone.wait_for_url(re.compile(rf"/m/tasks/{report.pk}/$"))
    expect(phone.get_by_text("已回复，街道将收到您的回复。")).to_be_visible()
    assert "已临时固定" in phone.locator("#timeline").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the phone page scrolls sideways"
    phone.screenshot(path=SCREENSHOTS.format("phone"), full_page=True)
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"

    # Back on the case page: both steps on the timeline; the clock did not move.
    page.goto(f"/reports/{report.pk}/")
    timeline = page.locator("#timeline").inner_text()
    assert "下派至东关社区：请到现场核实" in timeline
    assert "下派回复" in timeline and "已临时固定" in timeline
    assert "已回复" in page.locator("#holder").inner_text()
    report.refresh_from_db()
    assert report.response_due_at == due
