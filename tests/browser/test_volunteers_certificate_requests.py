"""A certificate on request in the browser: the volunteer asks on a phone, the team leader
accepts it into the internal 公示, issues it from the workbench once the 公示 has ended (with the
issuer's seal and the names of its 负责人 and 经办人), and the volunteer finds the PDF on the
phone."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.models import Organization
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
    org = Organization.objects.create(
        kind="social_org", name="东关助老服务队", region=community, credit_code="52341202MJ0000001A"
    )
    testing.certificate_issuer(organization=org, head_name="吴负责人", handler_name="郑经办")
    team = testing.team(
        community, name="东关助老服务队", leader=leader, phone="0551-6000001", organization=org
    )
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
    page.once("dialog", lambda dialog: dialog.accept())
    queue.get_by_role("button", name=f"受理 {member.number} 的申请").click()
    expect(page.get_by_text("内部公示至")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "publicity"
    # Not yet: the 公示 runs 7 days. Then it has ended (moved back in the database).
    expect(
        page.locator("#publicity-table").get_by_role("link", name=re.compile("出具 "))
    ).to_have_count(0)
    CertificateRequest.objects.filter(pk=request.pk).update(
        publicity_ends_at=timezone.now() - timedelta(minutes=1)
    )
    page.reload()
    page.locator("#publicity-table").get_by_role(
        "link", name=f"出具 {member.number} 的证明", exact=True
    ).click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/new/\?request=\d+$"))
    expect(page.locator("#answering")).to_be_visible()
    page.get_by_role("button", name="出具", exact=True).click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/\d+/$"))
    expect(page.get_by_text("申请已办结")).to_be_visible()
    expect(page.locator("#cert-seal")).to_be_visible()
    assert page.locator("#cert-seal").evaluate("img => img.naturalWidth") > 0
    expect(page.locator("#cert-head")).to_have_text("吴负责人")
    expect(page.locator("#cert-handler")).to_have_text("郑经办")
    request.refresh_from_db()
    assert request.status == "issued" and request.certificate.hours == Decimal("4.50")

    phone.goto("/m/volunteer/hours/")
    link = phone.locator("#my-requests").get_by_role("link", name=re.compile("下载证明 PDF"))
    expect(link).to_be_visible()
    if certificates.font_file() is not None:
        pdf = phone.request.get(link.get_attribute("href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_the_leader_registers_a_request_for_a_volunteer_into_the_publicity(page, district):
    """Asked in person: the leader registers the request on the volunteer's behalf (登记并公示);
    nothing is issued until the 公示 has ended, then it is issued from the 公示 list."""
    community = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, community, name="时长队长")
    leader = testing.volunteer(community, name="时长队长", account=leader_user)
    org = testing.registered_org(community)
    team = testing.team(community, name="东关助老服务队", leader=leader, organization=org)
    member = testing.volunteer(community, name="李小红")
    ServiceRecord.objects.create(
        volunteer=member, team=team, region=community, kind="manual", status="approved",
        content="陪伴独居老人", served_on=timezone.localdate() - timedelta(days=3),
        hours=Decimal("4.50"),
    )  # fmt: skip

    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/certificates/")
    page.get_by_role("link", name="登记并公示").click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/new/$"))
    expect(page.locator("#publicity-rule")).to_contain_text("内部公示（7 天）")
    form = page.locator("#issue-form")
    form.get_by_label("志愿者编号").fill(member.number)
    form.get_by_label("出具单位").select_option(label="东关助老服务队")
    form.get_by_label("服务起始日期").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    form.get_by_label("服务截止日期").fill(timezone.localdate().isoformat())
    form.get_by_label("证明用途").fill("求职")
    form.get_by_role("button", name="登记并公示").click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/$"))
    request = CertificateRequest.objects.get()
    ends = timezone.localtime(request.publicity_ends_at)
    expect(page.get_by_text(f"已登记并开始内部公示，公示至 {ends:%Y-%m-%d} 24:00")).to_be_visible()
    assert request.status == "publicity" and not request.volunteer.certificates.exists()
    expect(
        page.locator("#publicity-table").get_by_role("link", name=re.compile("出具 "))
    ).to_have_count(0)
    testing.publicity_over(request)
    page.reload()
    page.locator("#publicity-table").get_by_role(
        "link", name=f"出具 {member.number} 的证明", exact=True
    ).click()
    expect(page.locator("#answering")).to_be_visible()
    page.get_by_role("button", name="出具", exact=True).click()
    page.wait_for_url(re.compile(r"/volunteers/certificates/\d+/$"))
    expect(page.get_by_text("申请已办结")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "issued" and request.certificate.hours == Decimal("4.50")
