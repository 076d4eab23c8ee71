"""The annual inspection in the browser: the organization fills its 报告书, uploads the
materials and submits (first refused naming what is missing); the registrar records the 线下核验
and concludes 基本合格 with a ground; the organization sees the conclusion."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import accounts, inspection, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import AnnualReport

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_file_review_and_conclude(page, district, tmp_path):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    so = records.register_social_org(
        {
            "org_type": "association", "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "示民证字第00001号", "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01", "region": district["community_a"].code,
        },
        actor=None,
    )  # fmt: skip
    secretary = testing.user(Role.ORG_ACCOUNT, district["district"], name="协会秘书长")
    accounts.link_org_account(so, secretary.phone, actor=None)
    year = timezone.localdate().year
    inspection.open_year(
        {"authority": "示范区民政局", "region": district["district"].code, "year": year},
        actor=None,
    )
    report = AnnualReport.objects.get()
    files = {}
    for name in ("财务报告.pdf", "登记证书副本.pdf"):
        files[name] = tmp_path / name
        files[name].write_bytes(b"%PDF-1.4\n% test\n")

    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, secretary.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/portal/")
    page.locator('[data-portal="inspection"]').click()
    page.get_by_role("link", name=f"{year}年度年检报告书").click()
    page.wait_for_url(re.compile(rf"/socialorgs/portal/inspection/{report.pk}/$"))
    page.locator("#id_activities").fill("开展书法培训12期")
    for field, value in [("income", "120000"), ("expenditure", "98000"), ("net_assets", "50000"),
                         ("staff_count", "2")]:  # fmt: skip
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_party_org").select_option("joint")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="提交年检报告书").click()
    expect(page.locator("#submit-errors").get_by_text("登记证书副本")).to_be_visible()
    assert AnnualReport.objects.get().state == "draft"
    for kind, name in [("financial", "财务报告.pdf"), ("certificate", "登记证书副本.pdf")]:
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_files").set_input_files(str(files[name]))
        page.get_by_role("button", name="上传").click()
        page.wait_for_function(
            f"document.querySelector('#report-files').innerText.includes('{name}')"
        )
    page.get_by_role("button", name="提交年检报告书").click()
    page.wait_for_function("document.querySelector('#report-state').innerText.includes('已提交')")

    page.context.clear_cookies()
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/inspections/?worklist=verify&sort=oldest")
    page.get_by_role("link", name="东关书法家协会").click()
    page.locator("#id_findings").fill("账实相符，材料齐全")
    page.get_by_role("button", name="记录核验情况").click()
    page.wait_for_function("document.querySelector('#report-state').innerText.includes('已核验')")
    page.locator("#id_conclusion").select_option("basic")
    page.get_by_role("button", name="作出结论").click()
    expect(page.get_by_text("至少选择一项依据").first).to_be_visible()
    page.get_by_label("未按期换届").check()
    page.get_by_role("button", name="作出结论").click()
    page.wait_for_function("document.querySelector('#report-conclusion') !== null")
    assert AnnualReport.objects.get().conclusion == "basic"

    page.context.clear_cookies()
    log_in(page, secretary.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/socialorgs/portal/inspection/{report.pk}/")
    assert "基本合格" in page.locator("#report-result").inner_text()
    assert "未按期换届" in page.locator("#report-result").inner_text()
