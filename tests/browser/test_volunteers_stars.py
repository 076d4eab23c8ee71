"""星级认定 in the browser: the volunteer applies on a phone, street staff review it on the
workbench (the publicity starts and shows on the public page), 认定 is refused before the
publicity ends, and — time moved past the publicity — the star is awarded and the phone shows it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.models import ServiceRecord, StarAward, Volunteer

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
    page.set_default_timeout(30_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def _accept_confirms(page) -> list[str]:
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def test_apply_review_publicise_and_award_a_star(phone, page, district):
    page.set_default_timeout(30_000)  # a loaded CI machine (two cores, other suites running)
    community = district["community_a"]
    leader = testing.volunteer(community, name="时长队长")
    team = testing.team(community, name="东关助老服务队", leader=leader)
    member_user = testing.user(Role.VOLUNTEER, community, name="李小红")
    member = testing.volunteer(community, name="李小红", account=member_user)
    for hours, kind in (("320.00", "volunteer"), ("40.00", "school_duty")):
        ServiceRecord.objects.create(
            volunteer=member, team=team, region=community, kind="manual", status="approved",
            content="陪伴独居老人", served_on=timezone.localdate() - timedelta(days=3),
            hours=Decimal(hours), service_kind=kind,
        )  # fmt: skip
    staff = testing.user(Role.STREET_STAFF, district["street_a"], name="东城街道干部")

    # The volunteer applies on the phone.
    phone_asked = _accept_confirms(phone)
    log_in(phone, member_user.phone)
    phone.wait_for_url(re.compile(r"/m/$"))
    phone.goto("/m/volunteer/")
    expect(phone.locator("#m-star-eligibility")).to_contain_text("320.00 小时，可申请二星")
    phone.get_by_role("button", name="申请2星认定").click()
    phone.get_by_text("已提交二星志愿者认定申请").wait_for()
    expect(phone.locator("#m-open-award")).to_contain_text("2星认定申请：申请中")
    assert phone_asked and "申请2星志愿者认定" in phone_asked[0]
    award = StarAward.objects.get()

    # Street staff review it from the list: the publicity starts.
    staff_asked = _accept_confirms(page)
    log_in(page, staff.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/stars/")
    page.get_by_role("link", name=f"办理 {member.number} 的申请").click()
    page.wait_for_url(re.compile(rf"/volunteers/stars/{award.pk}/$"))
    expect(page.locator("#award-eligibility")).to_contain_text("符合二星条件")
    page.locator("#approve-note").fill("材料齐全")
    page.get_by_role("button", name="审核通过，开始公示").click()
    page.get_by_text("已审核通过，开始公示").wait_for()
    expect(page.locator("#award-status")).to_have_text("公示中")
    assert any("公示期不少于 5 个工作日" in q for q in staff_asked)

    # The public page shows the publicity: masked name and star only.
    phone.goto("/public/volunteers/stars/")
    publicity = phone.locator("#star-publicity")
    expect(publicity).to_contain_text("李**")
    expect(publicity).to_contain_text("二星")
    expect(publicity).not_to_contain_text(member.number)

    # 认定 before the publicity ends: refused with its end date, nothing changes.
    page.get_by_role("button", name="认定二星志愿者").click()
    expect(page.get_by_text(re.compile("公示期满后方可认定"))).to_be_visible()
    assert Volunteer.objects.get(pk=member.pk).star == 0

    # Time moves past the publicity (five working days cannot pass in a test).
    StarAward.objects.filter(pk=award.pk).update(
        publicity_ends_at=timezone.now() - timedelta(seconds=1)
    )
    page.goto("/volunteers/stars/?tab=due")
    page.get_by_role("link", name=f"办理 {member.number} 的申请").click()
    page.get_by_role("button", name="认定二星志愿者").click()
    page.get_by_text("已认定星级，已告知志愿者").wait_for()
    expect(page.locator("#award-status")).to_have_text("已认定")
    assert Volunteer.objects.get(pk=member.pk).star == 2

    phone.goto("/m/volunteer/")
    expect(phone.get_by_text("2星", exact=False).first).to_be_visible()
    expect(phone.locator("#m-star-apply")).to_have_count(0)
    phone.goto("/public/volunteers/stars/")
    expect(phone.locator("#new-stars")).to_contain_text("李**")
