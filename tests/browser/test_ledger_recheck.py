"""回头看 in the browser (issue 13): the task page shows what is re-checked and leads to the
form that changes it; the campaign page refuses a deadline earlier than its tasks' and exports
its progress as a workbook with a Chinese name."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from shegong.ledger.actions.campaigns import create_campaign
from shegong.ledger.choices import CoverageMode
from shegong.ledger.models import Coverage, ReviewCampaign
from shegong.ledger.tests.test_guidance import make_org

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/shegong-ledger-recheck.png"


def test_the_task_page_links_each_recheck_and_the_deadline_and_export_work(
    page, street_a_staff, district
):
    org = make_org(district["grid_a"], "阜阳市东关一号科技有限公司", party_member_count=3)
    Coverage.objects.create(organization=org, region=org.region, mode=CoverageMode.INSTRUCTOR)
    make_org(district["grid_a"], "阜阳市东关二号商贸有限公司")
    due = timezone.localdate() + timedelta(days=7)
    campaign = create_campaign(
        actor=street_a_staff, name="东城回头看", region=district["street_a"], criteria={},
        due_on=due, assignee=street_a_staff,
    )  # fmt: skip
    task = campaign.tasks.get(organization=org)

    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/ledger/tasks/{task.pk}/")
    recheck = page.locator("#recheck")
    assert "本次核查内容" in recheck.inner_text()
    assert CoverageMode.INSTRUCTOR.label in page.locator("#recheck-coverage").inner_text()
    assert "申报 3 人，台账登记在职党员 0 人" in page.locator("#recheck-members").inner_text()
    assert "未关联党组织" in page.locator("#recheck-party-org").inner_text()
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.locator("#recheck-coverage").get_by_role("link", name="修改覆盖情况").click()
    page.wait_for_url(re.compile(rf"/ledger/organizations/{org.pk}/#coverage$"))
    expect(page.locator("#coverage")).to_be_visible()

    # The campaign's deadline: earlier than its tasks' is refused beside the field.
    page.goto(f"/ledger/campaigns/{campaign.pk}/")
    page.locator("#deadline summary").click()
    page.get_by_label("新的截止日期").fill((due - timedelta(days=2)).isoformat())
    page.get_by_label("未完成且截止日期与回头看相同的任务一并调整").uncheck()
    page.get_by_role("button", name="保存截止日期").click()
    expect(page.get_by_text("回头看的截止日期不能早于其中任务的截止日期").first).to_be_visible()
    assert ReviewCampaign.objects.get(pk=campaign.pk).due_on == due
    later = due + timedelta(days=10)
    page.get_by_label("新的截止日期").fill(later.isoformat())
    page.get_by_label("未完成且截止日期与回头看相同的任务一并调整").check()
    page.get_by_role("button", name="保存截止日期").click()
    page.wait_for_url(re.compile(rf"/ledger/campaigns/{campaign.pk}/$"))
    assert page.locator("#campaign-due").inner_text() == later.isoformat()

    # The progress workbook, named in Chinese, with the page's figures.
    with page.expect_download() as download:
        page.locator("#progress-export").click()
    file = download.value
    assert file.suggested_filename.startswith("回头看进度-东城回头看-")
    rows = CalamineWorkbook.from_filelike(BytesIO(open(file.path(), "rb").read()))
    sheet = rows.get_sheet_by_index(0).to_python()
    total = next(r for r in sheet if r[0] == "合计")
    assert total[2] == 2 and total[3] == 0
