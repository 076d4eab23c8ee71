"""A district admin configures 随手拍 in the browser: a category with a single-choice question,
then a routing rule for it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong.reports.models import Category, RoutingRule

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_category_with_a_question_and_routes_it(
    page, district, district_admin, department_a
):
    log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/categories/")
    page.get_by_role("link", name="新增类别").click()
    page.get_by_label("类别编码").fill("street-vending")
    page.get_by_label("名称").fill("占道经营")
    page.get_by_label("分组").fill("市容环境")
    page.get_by_label("第1题编码").fill("affects_traffic")
    page.get_by_label("第1题题型").select_option(label="单选")
    page.get_by_label("第1题问题").fill("是否影响通行")
    page.get_by_label("第1题必答").check()
    page.get_by_label("第1题选项").fill("yes=是\nno=否")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/categories/$"))
    expect(page.get_by_text("已新增问题类别「占道经营」")).to_be_visible()
    category = Category.objects.get(service_code="street-vending")
    [question] = category.attributes
    assert question["datatype"] == "singlevaluelist" and question["required"]
    assert [v["name"] for v in question["values"]] == ["是", "否"]

    page.get_by_role("link", name="派单规则").first.click()
    form = page.locator("#rule-form")
    form.get_by_label("类别").select_option(label="市容环境 · 占道经营")
    form.get_by_label("适用区划").select_option(district["district"].code)
    form.get_by_label("承办部门").select_option(label="城管局")
    form.get_by_role("button", name="保存规则").click()
    page.wait_for_url(re.compile(r"/reports/routing/\?category=\d+$"))
    row = page.locator("#rule-table tbody tr", has_text="占道经营")
    assert "城管局" in row.inner_text()
    rule = RoutingRule.objects.get(category=category)
    assert (rule.region_id, rule.department) == (district["district"].code, department_a)
