"""The business supervisor's 初审 in the browser: a 教育局 user logs in, opens the to-do
待初审的年检报告, reads a report (figures, materials) and passes it; the report goes on to the
registrar."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.perms import Role
from shegong.socialorgs.actions import inspection, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import AnnualReport

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = {"activities": "开展书法培训12期", "income": "120000", "expenditure": "98000",
        "net_assets": "50000", "staff_count": "2", "party_org": "joint"}  # fmt: skip


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def test_a_supervisor_passes_a_report_from_the_todo(page, district):
    department = Department.objects.create(
        code="edu", name="示范区教育局", region=district["district"]
    )
    user = testing.user(
        Role.DEPARTMENT_HANDLER, district["district"], name="教育局科员", department=department
    )
    so = records.register_social_org(
        {
            "org_type": "association", "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "示民证字第00001号", "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01", "region": district["community_a"].code,
            "supervisor": "示范区教育局",
        },
        actor=None,
    )  # fmt: skip
    year = timezone.localdate().year - 1
    inspection.open_year(
        {"authority": "示范区民政局", "region": district["district"].code, "year": year},
        actor=None,
    )
    report = AnnualReport.objects.get(social_org=so)
    inspection.save_report(report, FORM, actor=None)
    for kind in ("financial", "certificate"):
        inspection.add_attachments(report, kind, [_pdf(f"{kind}.pdf")], actor=None)
    inspection.submit_report(report, actor=None)

    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, user.phone)
    page.wait_for_url(re.compile(r"/$"))
    todo = page.locator("#todo-socialorgssupervisionpending")
    expect(todo).to_be_visible()
    expect(todo).to_contain_text("待初审的年检报告")
    todo.click()
    page.wait_for_url(re.compile(r"/socialorgs/supervision/\?state=pending$"))
    expect(page.get_by_role("link", name="业务主管单位初审")).to_be_visible()  # the menu entry
    page.get_by_role("link", name="东关书法家协会").click()
    page.wait_for_url(re.compile(rf"/socialorgs/supervision/{report.pk}/$"))
    expect(page.locator("#report-form").get_by_text("开展书法培训12期")).to_be_visible()
    expect(page.locator("#report-files").get_by_role("link", name="financial.pdf")).to_be_visible()
    # 退回 without a note is refused, the reason shown beside the field
    page.get_by_label("退回/不通过（组织修改后重新提交）").check()
    page.get_by_role("button", name="提交初审意见").click()
    expect(page.get_by_text("退回时请填写初审意见")).to_be_visible()
    page.get_by_label("通过（报送登记管理机关）").check()
    page.get_by_role("button", name="提交初审意见").click()
    page.wait_for_url(re.compile(r"/socialorgs/supervision/\?state=pending$"))
    expect(page.get_by_text("已初审通过「东关书法家协会」")).to_be_visible()
    expect(page.locator("#supervision-empty")).to_be_visible()
    report.refresh_from_db()
    assert report.state == "supervisor_passed" and not report.supervisor_on_paper
