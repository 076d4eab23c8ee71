"""Service hours in the browser: a team leader ticks two pending records, confirms the bulk
approval, and the volunteer's total grows by both."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.models import ServiceRecord, Volunteer

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_bulk_approves_two_records_after_confirming(page, district):
    community = district["community_a"]
    leader_user = testing.user(Role.VOLUNTEER, community, name="时长队长")
    leader = testing.volunteer(community, name="时长队长", account=leader_user)
    team = testing.team(community, name="东关助老服务队", leader=leader)
    member = testing.volunteer(community, name="李小红")
    served = timezone.localdate() - timedelta(days=1)
    records = [
        ServiceRecord.objects.create(
            volunteer=member,
            team=team,
            region=community,
            kind="manual",
            status="pending",
            content=content,
            served_on=served,
            hours=Decimal(h),
        )
        for content, h in (("陪伴独居老人", "2.50"), ("社区义诊", "1.50"))
    ]
    log_in(page, leader_user.phone)
    page.wait_for_load_state()
    page.goto("/volunteers/records/")
    table = page.locator("#record-table")
    expect(table.get_by_text("陪伴独居老人")).to_be_visible()
    for record in records:
        page.get_by_label(f"选择记录 {record.pk}").check()
    page.get_by_role("button", name="批量确认所选").click()
    assert page.locator("#confirm-total").inner_text() == "4.00"
    page.get_by_role("button", name="确认这 2 条记录").click()
    page.wait_for_url(re.compile(r"/volunteers/records/$"))
    expect(page.get_by_text("已确认 2 条记录，共 4.00 小时")).to_be_visible()
    assert Volunteer.objects.get(pk=member.pk).hours == Decimal("4.00")
