"""A registrar files a lead on an illegal social organization, records a visit in a round and
an interview, gives the handling opinion and closes the case with losses recovered — first
refused (referred with no department, negative losses), then confirmed in the dialog."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.actions import screening
from shegong.socialorgs.models import Lead

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_screens_a_lead_to_its_outcome(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    today = date.today()
    screening.create_round(
        {"name": "第一轮排查", "starts_on": date(today.year, 1, 1), "ends_on": today,
         "region": district["district"].code},
        actor=None,
    )  # fmt: skip
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/screening/")
    page.get_by_role("link", name="登记线索").click()
    page.wait_for_url(re.compile(r"/socialorgs/screening/new/$"))
    page.locator("#id_source").select_option("public")
    page.locator("#id_source_detail").fill("群众来电")
    page.locator("#id_org_name").fill("东关国学促进会")
    page.locator("#id_place").fill("东关路8号")
    page.locator("#id_description").fill("以协会名义收取会费")
    page.locator("#id_region").select_option(district["community_a"].code)
    page.get_by_role("button", name="登记线索").click()
    page.wait_for_url(re.compile(r"/socialorgs/screening/\d+/$"))
    assert page.locator("#lead-state").inner_text() == "待走访"

    page.locator("#visit-form #id_round").select_option(label="第一轮排查")
    page.locator("#visit-form #id_visited_on").fill(today.isoformat())
    page.locator("#visit-form #id_visitors").fill("王干事、赵主任")
    page.locator("#visit-form #id_findings").fill("现场悬挂横幅，未能出示登记证书")
    page.get_by_role("button", name="记录走访").click()
    page.wait_for_function("document.querySelector('#lead-state').innerText.includes('待处置')")

    page.locator("#interview-form #id_people").fill("李某某")
    page.locator("#interview-form #id_interviewed_on").fill(today.isoformat())
    page.locator("#interview-form #id_record").fill("责令立即停止活动")
    page.get_by_role("button", name="记录约谈").click()
    page.wait_for_function("document.querySelector('#interviews').innerText.includes('李某某')")

    page.locator("#id_opinion").fill("建议依法取缔")
    page.get_by_role("button", name="保存处置意见").click()
    page.wait_for_function("document.querySelector('#lead-opinion').innerText.includes('取缔')")

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#id_outcome").select_option("referred")
    page.locator("#id_losses_recovered").fill("-100")
    page.get_by_role("button", name="办结线索").click()
    expect(page.get_by_text("请填写移交部门").first).to_be_visible()
    expect(page.get_by_text("挽回群众损失不能为负数").first).to_be_visible()
    assert Lead.objects.get().outcome == ""
    page.locator("#id_outcome").select_option("banned")
    page.locator("#id_losses_recovered").fill("60000")
    page.get_by_role("button", name="办结线索").click()
    page.wait_for_function("document.querySelector('#lead-state').innerText.includes('已办结')")
    lead = Lead.objects.get()
    assert lead.outcome == "banned" and lead.losses_recovered == 60000
    page.goto(f"/socialorgs/screening/?year={today.year}&recovered=1")
    assert page.locator("[data-sg-sum]").get_attribute("data-sg-sum") == "60000"
