"""The public certificate check by typing the serial (issue 13, part 6): someone holding a paper
certificate, with no phone to scan it, types the serial and reads the answer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions import certificates, hours
from shegong.volunteers.models import ServiceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def certificate(district):
    leader_account = testing.user(Role.VOLUNTEER, district["community_a"], name="时长队长")
    leader = testing.volunteer(district["community_a"], name="时长队长", account=leader_account)
    team = testing.team(
        district["community_a"],
        name="东关助老服务队",
        leader=leader,
        phone="0551-1234567",
        organization=testing.registered_org(district["community_a"]),
    )
    member = testing.volunteer(district["community_a"], name="李小红")
    day = timezone.localdate() - timedelta(days=1)
    record = ServiceRecord.objects.create(
        volunteer=member, team=team, region=team.region, served_on=day, hours=Decimal("6.00"),
        content="陪伴独居老人", status="pending", kind="manual",
    )  # fmt: skip
    hours.approve(record, leader_account)
    cert = testing.issued_certificate(member, team, day, day, leader_account)
    return cert, leader_account


def test_a_person_types_a_serial_and_reads_the_answer(page, certificate):
    cert, leader_account = certificate
    page.goto("/public/activities/")
    page.get_by_role("link", name="志愿服务记录证明核验").click()
    page.get_by_label("输入证明编号查验").fill("ZM20990101NOSUCH00")
    page.get_by_role("button", name="查验").click()
    page.locator("#verify-result", has_text="未找到该证明").wait_for()

    page.get_by_label("查验其他证明").fill(cert.serial.lower())
    page.get_by_role("button", name="查验").click()
    page.locator("#verify-result", has_text="证明有效").wait_for()
    facts = page.locator("#verify-facts").inner_text()
    assert cert.serial in facts and "李**" in facts and "东关助老服务队" in facts
    assert "李小红" not in page.content()

    certificates.revoke(cert, leader_account, "时长有误，重开")
    page.get_by_label("查验其他证明").fill(cert.serial)
    page.get_by_role("button", name="查验").click()
    page.locator("#verify-result", has_text="该证明已作废").wait_for()
    assert page.locator("#verify-facts").count() == 0
