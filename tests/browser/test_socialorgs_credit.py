"""A registrar finds an organization on the 活动异常名录 (listed by the daily scan for a missed
inspection), is refused removal before the rectification is verified, orders and verifies the
rectification, then removes the listing confirming in the dialog; the public lookup no longer
shows it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import credit, records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import AnnualReport, CreditListing

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_lifts_a_listing_after_verified_rectification(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    so = records.register_social_org(
        {
            "org_type": "association",
            "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "皖民证字第00001号",
            "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01",
            "region": district["community_a"].code,
        },
        actor=None,
    )
    AnnualReport.objects.create(
        social_org=so, year=timezone.localdate().year - 1, conclusion="absent"
    )
    credit.scan()
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/workbench/")
    page.get_by_role("link", name=re.compile("近7日新列入信用名录")).click()
    page.wait_for_url(re.compile(r"/socialorgs/credit/\?"))
    assert page.locator("[data-sg-total]").get_attribute("data-sg-total") == "1"
    page.get_by_role("link", name="东关书法家协会").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    card = page.locator("#credit")
    assert "暂不能移出" in card.inner_text()
    page.locator("#id_matter").fill("补报年度工作报告并提交整改报告")
    page.locator("#id_deadline").fill(
        str(timezone.localdate().replace(year=timezone.localdate().year + 1))
    )
    page.get_by_role("button", name="登记整改要求").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="核实整改").click()
    page.locator("#id_verification_note").fill("已补报，核实整改到位")
    page.get_by_role("button", name="确认整改已完成").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    page.locator("#credit").get_by_role("link", name="移出").click()
    page.locator("#id_removal_reason").fill("整改已核实，移出活动异常名录")
    page.get_by_role("button", name="移出").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    assert "整改已核实，移出活动异常名录" in page.locator("#credit").inner_text()
    assert CreditListing.objects.get().removed_on == timezone.localdate()
    page.goto("/public/socialorgs/credit/?q=书法")
    assert "未列入" in page.locator("#credit-results").inner_text()
