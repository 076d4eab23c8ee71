"""The 待办 panel in the browser, on the demo district: the dispatcher, a department's handler
and a volunteer leading a team each log in with their demo login, see their to-dos at the top
of the workbench, click one and land on the list filtered to it, with the same count, oldest
first. Screenshots for a person's eye: /tmp/shegong-todos-*.png."""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.accounts.models import User
from shegong.core import demo
from shegong.reports.actions.reports import submit_report
from shegong.reports.models import Category, Report, RoutingRule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISPATCHER, HANDLER, LEADER = "13800000013", "13800000005", "13800000015"  # accounts.demo
HOME = re.compile(r"^http://[^/]+/$")


@pytest.fixture
def demo_district(settings):
    """The small demo: its logins, cases in every state, teams and their hours."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A transactional test's flush empties what data migrations wrote: the skills list again.
    from django.apps import apps

    importlib.import_module("shegong.volunteers.migrations.0002_default_skills").add_skills(
        apps, None
    )
    ctx = demo.DemoContext(size="small")
    loaders = dict(demo.loaders())
    for name in ("regions", "departments", "users", "reports", "volunteers"):
        loaders[name](ctx)
    return ctx


def todo_count(page, label: str) -> int:
    item = page.locator("#todos a.sg-todo", has_text=label)
    assert item.is_visible(), f"{label} is not in the panel"
    return int(item.locator(".sg-todo-count").inner_text())


def test_the_dispatcher_sees_the_desks_todos_and_opens_the_cases_to_accept(page, demo_district):
    testing.browser_log_in(page, DISPATCHER, demo.PASSWORD)
    page.wait_for_url(HOME)
    panel = page.locator("#todos")
    expect(panel.get_by_role("heading", name="待办")).to_be_visible()
    page.screenshot(path="/tmp/shegong-todos-dispatcher.png", full_page=True)
    waiting = todo_count(page, "待受理工单")
    assert waiting == Report.objects.filter(status="submitted").count() > 0
    assert todo_count(page, "部门退回的工单") == Report.objects.filter(status="returned").count()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the counts stay in view
    expect(panel.locator(".sg-todo-count").first).to_be_visible()
    box = panel.locator(".sg-todo-count").first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.screenshot(path="/tmp/shegong-todos-dispatcher-390.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})

    panel.locator("a.sg-todo", has_text="待受理工单").click()
    page.wait_for_url(re.compile(r"/reports/\?status=submitted&sort=oldest$"))
    assert f"共 {waiting} 件" in page.locator("#queue-results").inner_text()
    shown = page.locator("#queue-results tbody tr td.sg-mono").all_inner_texts()
    oldest_first = Report.objects.filter(status="submitted").order_by("submitted_at", "pk")
    assert shown == [r.number for r in oldest_first]
    assert page.locator("#id_sort").input_value() == "oldest"


def test_a_department_handler_sees_a_new_case_to_answer_and_opens_it(page, demo_district):
    handler = User.objects.get(phone=HANDLER)
    rider = User.objects.filter(memberships__role="worker").first()
    department = handler.memberships.get().department
    category = (  # a category only this department handles, wherever the case is
        Category.objects.filter(rules__department=department, is_active=True, staff_only=False)
        .exclude(rules__in=RoutingRule.objects.exclude(department=department))
        .first()
    )
    case = submit_report(
        actor=rider, category=category, description="人行道地砖松动，老人容易绊倒",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    assert case.lead_department_id == department.pk

    testing.browser_log_in(page, HANDLER, demo.PASSWORD)
    page.wait_for_url(HOME)
    page.screenshot(path="/tmp/shegong-todos-department.png", full_page=True)
    assert todo_count(page, "待响应工单") == 1
    assert not page.locator("#todos a.sg-todo", has_text="待受理工单").count()  # the desk's
    page.locator("#todos a.sg-todo", has_text="待响应工单").click()
    page.wait_for_url(re.compile(r"/reports/\?status=awaiting&sort=oldest$"))
    assert "共 1 件" in page.locator("#queue-results").inner_text()
    expect(
        page.locator("#queue-results tbody").get_by_role("link", name=case.number)
    ).to_be_visible()


def test_a_team_leader_at_a_desktop_lands_on_the_workbench_and_opens_the_hours_to_confirm(
    page, demo_district
):
    testing.browser_log_in(page, LEADER, demo.PASSWORD)
    page.wait_for_url(HOME)  # not /m/: a desktop browser
    page.screenshot(path="/tmp/shegong-todos-leader.png", full_page=True)
    pending = todo_count(page, "待确认的服务时长")
    assert pending > 0
    assert todo_count(page, "待出具的记录证明") > 0
    # The team's pages are in the menu too: nothing is reached only by typing its URL.
    menu = page.locator(".sg-sidebar")
    for label in ("志愿服务队伍", "志愿服务活动", "服务时长审核", "记录证明"):
        assert menu.get_by_role("link", name=label).count() == 1

    page.locator("#todos a.sg-todo", has_text="待确认的服务时长").click()
    page.wait_for_url(re.compile(r"/volunteers/records/\?sort=oldest$"))
    assert f"共 {pending} 条" in page.locator("#bulk-form").inner_text()
    dates = page.locator("#record-table tbody tr td:nth-child(2)").all_inner_texts()
    assert dates == sorted(dates)  # the oldest service first
    page.screenshot(path="/tmp/shegong-todos-leader-records.png", full_page=True)
