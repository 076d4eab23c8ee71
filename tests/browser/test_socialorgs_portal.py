"""A registrar binds an organization's account on the organization's page; the account then
logs in, finds 本组织 in the menu and opens the organization's portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import OrgAccount

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_binds_the_account_and_the_organization_opens_its_portal(
    page, browser, live_server, district
):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    so = records.register_social_org(
        {
            "org_type": "association", "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "示民证字第00001号", "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01", "region": district["community_a"].code,
            "status": "normal",
        },
        actor=None,
    )  # fmt: skip
    account = testing.user(Role.ORG_ACCOUNT, district["district"], name="协会秘书长")
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/socialorgs/{so.pk}/")
    page.locator("#account-form #id_phone").fill("13900000000")
    page.get_by_role("button", name="绑定组织账号").click()
    expect(page.get_by_text("未找到手机号为 13900000000 的有效账号").first).to_be_visible()
    assert not OrgAccount.objects.exists()
    page.locator("#account-form #id_phone").fill(account.phone)
    page.get_by_role("button", name="绑定组织账号").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    expect(page.locator("#org-accounts").get_by_text("解绑")).to_be_visible()
    assert OrgAccount.objects.get().user == account

    context = browser.new_context(base_url=live_server.url)
    portal = context.new_page()
    log_in(portal, account.phone)
    portal.wait_for_url(re.compile(r"/$"))
    portal.get_by_role("link", name="本组织").first.click()
    portal.wait_for_url(re.compile(r"/socialorgs/portal/$"))
    expect(portal.get_by_role("heading", name="东关书法家协会")).to_be_visible()
    context.close()
