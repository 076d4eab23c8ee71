"""Volunteer people in the browser: a resident registers as a volunteer on H5; staff build a team
(roster, leader, incubation); staff register a social worker, station and pair them, and log a
guidance visit."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.choices import DEFAULT_SKILLS
from shegong.volunteers.models import Skill, SocialWorker, Team, TeamMember, Volunteer

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_skills():
    # A transactional test starts from flushed tables: the default skills come back here.
    for order, (code, name, cert) in enumerate(DEFAULT_SKILLS, start=1):
        Skill.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "needs_certificate": cert}
        )


def _id_number(age: int) -> str:
    today = timezone.localdate()
    return testing.id_number(f"{today.year - age}0101")


def test_a_resident_registers_as_a_volunteer_on_h5(page, district):
    _seed_skills()
    resident = testing.user(Role.RESIDENT, district["community_a"], name="东关居民")
    log_in(page, resident.phone)
    page.wait_for_url(re.compile(r"/m/$"))
    page.locator("#tile-volunteer_register").click()
    page.wait_for_url(re.compile(r"/m/volunteer/register/$"))
    page.locator("#name").fill("李志愿")
    page.locator("#id_number").fill(_id_number(30))
    page.locator("#region").select_option("341271001001")
    page.locator("#skill-picker").get_by_text("助老").click()
    page.locator("#availability-picker").locator('input[value="6-am"]').check(force=True)
    page.get_by_label("我已阅读并同意《志愿者个人信息处理告知书》").check()
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(re.compile(r"/m/volunteer/$"))
    volunteer = Volunteer.objects.get()
    assert page.locator("#volunteer-number").inner_text() == volunteer.number
    assert "助老" in page.locator("#volunteer-card").inner_text()
    assert volunteer.availability == {"6": ["am"]}


def test_staff_build_a_team_with_a_leader_and_start_incubation(page, district, street_a_staff):
    member = testing.volunteer(district["community_a"], name="东关队长")
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/volunteers/teams/new/")
    page.locator("#id_name").fill("东关助老服务队")
    page.locator("#id_region").select_option("341271001001")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/volunteers/teams/\d+/$"))
    page.locator("#id_number").fill(member.number)
    page.locator("#id_role").select_option("leader")
    page.get_by_role("button", name="加入本队").click()
    expect(page.locator("#roster").get_by_text(member.number)).to_be_visible()
    page.locator("#incubation-form").get_by_role("button", name="变更孵化状态").click()
    assert "孵化中" in page.locator("#incubation-state").inner_text()
    team = Team.objects.get()
    assert team.incubation == "incubating"
    assert TeamMember.objects.get(team=team).role == "leader"
    page.goto("/volunteers/teams/")
    assert "孵化中 1 支" in page.locator("#team-summary").inner_text()


def test_staff_station_and_pair_a_social_worker_and_log_guidance(page, district, street_a_staff):
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/volunteers/social-workers/new/")
    page.locator("#id_name").fill("陈社工")
    page.locator("#id_id_number").fill(_id_number(40))
    page.locator("#id_qualification").select_option("senior")
    page.locator("#id_certificate_number").fill("GJ-2021-1")
    page.locator("#id_region").select_option("341271001000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/volunteers/social-workers/\d+/$"))
    today = timezone.localdate().isoformat()
    page.locator("#stationing_region").select_option("341271001001")
    page.locator("#stationing_starts_on").fill(today)
    page.get_by_role("button", name="登记驻点").click()
    page.locator("#pairing_region").select_option("341271001001")
    page.locator("#pairing_starts_on").fill(today)
    page.get_by_role("button", name="登记结对").click()
    form = page.locator('form[id^="guidance-form-"]')
    form.locator('input[name="on"]').fill(today)
    form.locator('input[name="topic"]').fill("居民议事规则指导")
    form.get_by_role("button", name="记录指导").click()
    expect(page.get_by_text("居民议事规则指导")).to_be_visible()
    sw = SocialWorker.objects.get()
    assert sw.pairings.get().logs.count() == 1
    page.goto("/volunteers/social-workers/")
    assert "驻点社工 1 名 / 覆盖社区 1 个 / 结对 1 对" in page.locator("#sw-summary").inner_text()
