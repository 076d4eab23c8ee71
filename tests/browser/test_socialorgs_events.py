"""An organization applies for 延续登记 on its portal (draft, upload, submit), then the registrar
approves it from the queue, confirming in the dialog."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import accounts, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import Application

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_applies_and_registrar_approves(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    so = records.register_social_org(
        {
            "org_type": "association", "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "示民证字第00001号", "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01", "region": district["community_a"].code,
        },
        actor=registrar,
    )  # fmt: skip
    org_user = testing.user(Role.ORG_ACCOUNT, district["district"], name="协会秘书长")
    accounts.link_org_account(so, org_user.phone, actor=None)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, org_user.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/portal/")
    page.locator('[data-portal="events"]').click()
    page.get_by_role("link", name="新建申请").click()
    page.locator("#id_kind").select_option("renewal")
    page.locator("#id_reason").fill("登记证书有效期届满")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/socialorgs/portal/applications/\d+/$"))
    assert "申请书（未上传）" in page.locator("#required-materials").inner_text()
    page.locator("#id_material").select_option("application_form")
    page.locator("#id_files").set_input_files(
        files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.get_by_role("button", name="上传").click()
    page.wait_for_function(
        "document.querySelector('#application-attachments').innerText.includes('申请书（PDF）')"
    )
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_function(
        "document.querySelector('#application-state').innerText.includes('待审核')"
    )
    assert Application.objects.get().state == "submitted"

    page.context.clear_cookies()
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/applications/?state=submitted&sort=oldest")
    assert page.locator("#application-table").get_attribute("data-sg-total") == "1"
    page.get_by_role("link", name="东关书法家协会").click()
    page.get_by_role("button", name="核准").click()
    page.wait_for_function(
        "document.querySelector('#application-state').innerText.includes('已核准')"
    )
    assert Application.objects.get().state == "approved"
