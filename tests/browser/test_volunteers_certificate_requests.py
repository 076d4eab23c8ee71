"""A certificate on request in the browser: the volunteer asks on a phone, the team leader
issues it from the workbench queue, and the volunteer finds the PDF on the phone."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions import certificates
from shegong.volunteers.models import CertificateRequest, ServiceRecord

from .conftest import watch_csp
from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
        has_touch=True,
    )  # fmt: skip
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def test_a_volunteer_asks_on_a_phone_and_the_leader_issues_it(phone, page, district):
    community = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, community, name="时长队长")
    leader = testing.volunteer(community, name="时长队长", account=leader_user)
    team = testing.team(community, name="东关助老服务队", leader=leader, phone="0551-6000001")
    member_user = testing.user(Role.VOLUNTEER, community, name="李小红")
    member = testing.volunteer(community, name="李小红", account=member_user)
    ServiceRecord.objects.create(
        volunteer=member, team=team, region=community, kind="manual", status="approved",
        content="陪伴独居老人", served_on=timezone.localdate() - timedelta(days=3),
        hours=Decimal("4.50"),
    )  # fmt: skip

    log_in(phone, member_user.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/hours/")
    form = phone.locator("#request-form")
    form.get_by_label("出具单位").select_option(label="东关助老服务队（4.50 小时）")
    form.get_by_label("用途").fill("升学")
    form.get_by_role("button", name="提交申请").click()
    phone.get_by_text("已向「东关助老服务队」提交申请").wait_for()
    expect(phone.locator("#my-requests").get_by_text("待受理")).to_be_visible()
    request = CertificateRequest.objects.get()
    assert request.status == "requested" and request.purpose == "升学"

    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/certificates/")
    queue = page.locator("#request-table")
    assert queue.get_by_text("李**").is_visible() and queue.get_by_text("升学").is_visible()
    queue.get_by_role("link", name=f"出具 {member.number} 的证明", exact=True).click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/new/\?request=\d+$"))
    expect(page.locator("#answering")).to_be_visible()
    page.get_by_role("button", name="出具", exact=True).click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/\d+/$"))
    expect(page.get_by_text("申请已办结")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "issued" and request.certificate.hours == Decimal("4.50")

    phone.goto("/m/volunteer/hours/")
    link = phone.locator("#my-requests").get_by_role("link", name=re.compile("下载证明 PDF"))
    expect(link).to_be_visible()
    if certificates.font_file() is not None:
        pdf = phone.request.get(link.get_attribute("href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
