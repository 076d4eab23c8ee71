"""A registrar walks an overdue association through its 换届 on the organization's page: starts
it, records 筹备, 选举 (with the results) and 备案 (confirming), and the new term shows."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import Election

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_walks_the_election_checklist(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    so = records.register_social_org(
        {
            "org_type": "association", "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "示民证字第00001号", "registration_authority": "示范区民政局",
            "registered_on": "2015-05-01", "region": district["community_a"].code,
            "term_start": "2020-05-01",
        },
        actor=None,
    )  # fmt: skip
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/workbench/")
    page.locator('[data-worklist="socialorgs.election.late"]').click()
    page.get_by_role("link", name="东关书法家协会").click()
    page.wait_for_url(re.compile(rf"/socialorgs/{so.pk}/"))
    assert page.locator("#term-state").inner_text() in ("逾期未换届", "严重逾期")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#election-open").click()
    today = timezone.localdate().isoformat()
    for expected, note in [
        ("筹备：制定换届工作方案", ""),
        ("筹备：候选人审核", ""),
        ("选举：召开会员（代表）大会/理事会", "选举产生理事长王五"),
        ("备案：负责人变更备案及法定代表人变更登记", ""),
    ]:
        page.wait_for_selector("#election-next-step")
        assert page.locator("#election-next-step").inner_text() == expected
        page.locator("#step-done-on").fill(today)
        page.locator("#step-note").fill(note)
        page.locator("#election-step-form button[type=submit]").click()
        page.wait_for_load_state()
    page.wait_for_selector("#term-state")
    assert page.locator("#term-state").inner_text() == "正常"
    assert "上次换届于" in page.locator("#election").inner_text()
    assert Election.objects.get().completed_on == timezone.localdate()
