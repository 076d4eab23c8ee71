"""A community worker in the browser: schedules a 议事协商会, publishes its notice, puts a
matter to the vote on the agenda; on the day a resident signs in on the phone with the code;
the worker fills the record and closes the meeting (with the confirmation) — the decision is
now an action item (落地实事)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.models import ActionItem, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_holds_a_meeting_and_its_decision_becomes_an_action(
    page, browser, live_server, district
):
    testing.deliberation_categories()
    worker = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工")
    resident = testing.user(Role.RESIDENT, district["grid_a"], name="东关居民")
    testing.browser_log_in(page, worker.phone)

    page.goto("/deliberation/meetings/")
    page.click("#meeting-new")
    form = page.locator("#meeting-form")
    form.locator("select[name=region]").select_option(district["community_a"].code)
    form.locator("select[name=kind]").select_option("consultation")
    form.locator("input[name=title]").fill("樟树议事厅三月议事会")
    starts = timezone.localtime() + timedelta(days=8)
    form.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=place]").fill("社区二楼议事厅")
    form.locator("input[name=expected_count]").fill("3")
    form.locator("button[type=submit]").click()
    expect(page.locator("#signin-code")).to_be_visible()
    meeting = Meeting.objects.get()

    page.locator("#notice-form textarea[name=notice]").fill("请居民代表准时参加，议题：楼道照明。")
    page.click("#notice-publish")
    expect(page.locator("#meeting-status")).to_contain_text("已发布通知")

    page.click("#tab-agenda")
    agenda = page.locator("#agenda-form")
    agenda.locator("input[name=title]").fill("更换楼道声控灯")
    agenda.locator("input[name=is_vote]").check()
    page.click("#agenda-add")
    expect(page.locator("#agenda-list")).to_contain_text("更换楼道声控灯")

    # The day comes: the meeting has just begun.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 800}
    )
    mobile = phone.new_page()
    testing.browser_log_in(mobile, resident.phone)
    mobile.goto("/m/deliberation/meetings/")
    mobile.locator("#code-form input[name=code]").fill(meeting.signin_code)
    mobile.click("#code-submit")
    expect(mobile.locator("#signed-note")).to_contain_text("您已于")
    phone.close()

    page.goto(f"/deliberation/meetings/{meeting.pk}/?tab=record")
    expect(page.locator("#quorum-line")).to_contain_text("实到 1")
    record = page.locator("#record-form")
    record.locator("textarea[name=summary]").fill("居民反映楼道灯损坏，物业同意更换。")
    item = meeting.items.get()
    record.locator(f"input[name=votes_for_{item.pk}]").fill("1")
    record.locator(f"input[name=decision_{item.pk}]").fill("更换3号楼楼道声控灯")
    record.locator(f"input[name=owner_label_{item.pk}]").fill("东关物业")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    record.locator(f"input[name=due_on_{item.pk}]").fill(due)
    page.click("#record-save")
    expect(page.get_by_text("保存纪要：已完成")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#meeting-close")
    expect(page.locator("#meeting-status")).to_contain_text("已结束")
    expect(page.locator("#actions-made")).to_contain_text("更换3号楼楼道声控灯")
    action = ActionItem.objects.get(meeting=meeting)
    assert action.owner_name == "东关物业" and action.due_on.isoformat() == due
