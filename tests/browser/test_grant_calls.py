"""公益创投 in the browser: an organization applies on its portal with a PDF attached and
submits, staff see and download the file; a reviewer declares no conflict and scores; staff
decide within the budget and sign the agreement."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.grants.models import Application, Project, Review
from shegong.grants.tests.calls_fixtures import PDF, open_call, org_account, reviewing, submitted
from shegong.grants.tests.conftest import _register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _org(district, serial=21, name="东关为老服务中心"):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    return _register(registrar, district, name=name, kind="service", serial=serial)


def test_an_organization_applies_on_the_portal(page, district):
    admin = testing.user(Role.REGISTRAR, district["district"], name="民政干部")
    call = open_call(admin, district)
    user = org_account(district, _org(district))
    testing.browser_log_in(page, user.phone)
    page.goto("/grants/portal/")
    page.locator(f"#apply-{call.pk}").click()
    form = page.locator("#apply-form")
    form.locator("#a-title").fill("银龄守望")
    form.locator("#a-summary").fill("每周上门探访独居老人")
    form.locator("#a-benef").fill("独居老人")
    form.locator("#a-amount").fill("15000")
    form.locator("#a-lines").fill("活动物资,9000\n志愿者补贴,6000")
    form.locator("#a-files").set_input_files(
        files=[{"name": "项目申报书.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("#apply-save").click()
    expect(page.locator("#application-status")).to_have_text("草稿")
    expect(page.locator("#application-files")).to_contain_text("项目申报书.pdf")
    page.locator("#application-submit").click()
    expect(page.locator("#application-status")).to_have_text("已提交")
    app = Application.objects.get()
    assert app.status == "submitted" and app.attachments[0]["name"] == "项目申报书.pdf"

    page.context.clear_cookies()
    testing.browser_log_in(page, admin.phone)
    page.goto(f"/grants/applications/{app.pk}/")
    link = page.locator("#application-files").get_by_role("link", name="项目申报书.pdf")
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "项目申报书.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF


def test_a_reviewer_declares_and_scores_and_staff_decide_and_sign(page, district):
    admin = testing.user(Role.REGISTRAR, district["district"], name="民政干部")
    call = open_call(admin, district)
    app = submitted(org_account(district, _org(district)), call)
    reviewer = testing.user(Role.GRANT_REVIEWER, district["district"], name="评审专家甲")
    reviewing(admin, call, [app], [reviewer])
    review = Review.objects.get()
    testing.browser_log_in(page, reviewer.phone)
    page.goto("/grants/reviews/")
    page.get_by_role("link", name="银龄守望").click()
    page.locator("#declare-none").click()
    for criterion in call.criteria.all():
        page.locator(f"#score-{criterion.pk}").fill("90")
    page.locator("#score-save").click()
    expect(page.locator("#review-submitted")).to_contain_text("90.00")
    review.refresh_from_db()
    assert review.total == 90

    page.context.clear_cookies()
    testing.browser_log_in(page, admin.phone)
    page.goto(f"/grants/calls/{call.pk}/?tab=award")
    page.locator(f"#award-{app.pk}").check()
    page.locator("#decide-save").click()
    page.goto(f"/grants/calls/{call.pk}/?tab=projects")
    project = Project.objects.get()
    page.get_by_role("link", name="银龄守望").click()
    page.locator("#agreement-no").fill("GY-2026-001")
    page.locator("#signed-on").fill(timezone.localdate().isoformat())
    page.locator("#tranches").fill("签约后,7500\n中期评估后,7500")
    page.locator("#confirm-early").check()
    page.locator("#sign-save").click()
    expect(page.locator("#project-status")).to_have_text("已签约")
    project.refresh_from_db()
    assert project.agreement_no == "GY-2026-001" and project.tranches.count() == 2
