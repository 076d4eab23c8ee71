"""A registrar files a charity's public-fundraising application on its behalf in the browser
(a bad file refused by name first), then decides it on the application's page: a refusal without
reasons is sent back, the grant is confirmed in the dialog and the organization is qualified."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import charity, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import AnnualReport, FundraisingApplication, SocialOrg

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_registrar_files_and_grants_the_qualification(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    today = date.today()
    so = records.register_social_org(
        {
            "org_type": "foundation", "name": "东关慈善基金会",
            "credit_code": credit_code("foundation", "341271", 3),
            "registration_number": "皖民证字第00003号", "registration_authority": "示范区民政局",
            "registered_on": "2018-01-10", "region": district["community_a"].code,
            "charity": True, "charity_on": (today - timedelta(days=1100)).isoformat(),
        },
        actor=None,
    )  # fmt: skip
    for year in charity.inspection_years(today):
        AnnualReport.objects.create(social_org=so, year=year, conclusion="pass", state="concluded")
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/socialorgs/{so.pk}/")
    page.get_by_role("link", name="代为申请公开募捐资格").click()
    page.wait_for_url(re.compile(r"/charity/apply/$"))
    page.locator("#id_governance_files").set_input_files(
        [{"name": "制度.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("「制度.exe」不是允许的文件类型").first).to_be_visible()
    assert not FundraisingApplication.objects.exists()
    page.locator("#id_governance_files").set_input_files(
        [{"name": "内部治理制度.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))

    page.goto("/socialorgs/charity/applications/")
    expect(page.locator("#charity-applications").get_by_text("剩余20天")).to_be_visible()
    page.get_by_role("link", name="东关慈善基金会").click()
    page.wait_for_url(re.compile(r"/charity/applications/\d+/$"))
    expect(page.locator("#application-checklist").get_by_text("内部治理结构健全")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("不予").check()
    page.get_by_role("button", name="提交决定").click()
    expect(page.get_by_text("不予公开募捐资格时请填写理由").first).to_be_visible()
    page.get_by_label("准予").check()
    page.get_by_role("button", name="提交决定").click()
    page.wait_for_function(
        "document.querySelector('#application-state').innerText.includes('准予')"
    )
    assert SocialOrg.objects.get(pk=so.pk).public_fundraising
