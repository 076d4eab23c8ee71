"""公示 in a real browser: a member of the public reads a current notice and objects to it through
the form (a bad phone first, then a 受理编号); the community worker finds the objection in the
queue, assigns it to themself and answers it, and the queue's tabs move."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong.notices.actions import objections
from shegong.notices.actions.notices import make_notice
from shegong.notices.choices import ObjectionStatus
from shegong.notices.models import Notice, Objection

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notice(district):
    return make_notice(
        kind="notices.general", region=district["community_a"], title="东关社区星级志愿者公示",
        body="拟评定三星志愿者 5 名。", starts_at=timezone.now() - timedelta(hours=1),
        phone="0558-1234567",
    )  # fmt: skip


def test_the_public_objects_to_a_current_notice(page, notice):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/public/notices/")
    page.get_by_role("link", name=re.compile("东关社区星级志愿者公示")).click()
    expect(page.locator("#public-phone")).to_contain_text("0558-1234567")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_label("异议内容").fill("其中一人服务时长不足")
    page.locator("#objection-submit").click()
    expect(page.locator("#objection-form")).to_contain_text("手机号应为以1开头的11位数字")
    assert Objection.objects.count() == 0
    page.get_by_label("联系电话").fill("13912345678")
    page.locator("#objection-submit").click()
    expect(page.locator("#receipt-number")).to_have_text(re.compile(r"^YY\d{14}$"))
    assert Notice.objects.get(pk=notice.pk).open_objections == 1
    assert errors == []


def test_staff_answer_an_objection_from_the_queue(page, notice, community_a_worker):
    objection = objections.submit_objection(
        notice, name="王小明", phone="13912345678", content="其中一人服务时长不足"
    )
    log_in(page, community_a_worker.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/notices/objections/")
    expect(page.locator('#objection-tabs a[data-tab="open"]')).to_contain_text("1")
    row = page.locator("#objection-table tbody tr").first
    expect(row).to_contain_text("王**")
    expect(row).not_to_contain_text("王小明")
    row.get_by_role("link", name=re.compile("服务时长不足")).click()
    page.locator("#assign-save").click()
    expect(page.locator("#objection-status")).to_have_text("处理中")
    page.get_by_label("处理结论").select_option("rejected")
    page.get_by_label("答复内容").fill("经核实，服务时长符合要求。")
    page.locator("#answer-save").click()
    expect(page.locator("#objection-status")).to_have_text("已答复")
    expect(page.locator("#objection-answer")).to_contain_text("经核实")
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.ANSWERED
    page.goto("/notices/objections/?status=answered")
    expect(page.locator('#objection-tabs a[data-tab="answered"]')).to_contain_text("1")
    expect(page.locator("#objection-table")).to_contain_text("服务时长不足")
