"""议事厅 topics in a real browser: a resident on a phone proposes "三号楼装电梯的事", is shown
the neighbour's similar "3号楼加装电梯" and supports it instead of raising a duplicate; a
community worker opens that topic from the queue and answers 采纳."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.actions import topics
from shegong.deliberation.choices import TopicStatus
from shegong.deliberation.models import Topic, TopicCategory, TopicSupport

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def login(page, user, target: str) -> None:
    page.goto(f"/accounts/login/?next={target}")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))


@pytest.fixture
def existing(district):
    testing.deliberation_categories()
    neighbour = testing.user(Role.RESIDENT, district["grid_a"], name="邻居李")
    return topics.submit(
        neighbour, region=district["community_a"],
        category=TopicCategory.objects.get(code="elevator"), title="3号楼加装电梯",
        body="3号楼老人多，上下楼困难。",
    )  # fmt: skip


def test_a_resident_supports_the_similar_topic_and_a_worker_adopts_it(
    browser, live_server, district, existing, community_a_worker
):
    resident = testing.user(Role.RESIDENT, district["community_a"], name="王大爷")
    refused: list[str] = []
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    watch_csp(phone, refused)
    page = phone.new_page()
    page.set_default_timeout(10_000)

    login(page, resident, "/m/")
    page.get_by_role("link", name="议事厅").click()
    expect(page.locator("#hall-topics")).to_contain_text("3号楼加装电梯")
    page.locator("#propose").click()
    page.get_by_text("加装电梯", exact=True).click()
    page.locator("#title").fill("三号楼装电梯的事")
    page.locator("#body").fill("家里老人腿脚不便，希望装电梯。")
    page.locator("#submit-topic").click()

    similar = page.locator("#similar")
    expect(similar).to_contain_text("已有相似议题，您可以直接支持")
    expect(similar).to_contain_text("3号楼加装电梯")
    expect(page.locator("#submit-topic")).to_have_text("仍要提交")
    similar.get_by_role("button", name="支持此议题：3号楼加装电梯").click()

    expect(page.locator("#supported")).to_have_text("已支持")
    expect(page.locator("#support-count")).to_have_text("1")
    assert Topic.objects.count() == 1
    assert TopicSupport.objects.filter(topic=existing, user=resident).exists()
    phone.close()

    desk = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 800}
    )
    watch_csp(desk, refused)
    staff = desk.new_page()
    staff.set_default_timeout(10_000)
    testing.browser_log_in(staff, community_a_worker.phone)
    staff.wait_for_url(re.compile(r"/$"))
    staff.goto("/deliberation/topics/")
    row = staff.locator("#topic-table tbody tr", has_text="3号楼加装电梯")
    expect(row).to_contain_text("剩余")
    row.get_by_role("link", name="3号楼加装电梯").click()
    expect(staff.locator("#support-count")).to_have_text("1")
    staff.locator("#answer-form select[name=status]").select_option("adopted")
    staff.get_by_label("答复意见").fill("已列入年度加装电梯计划")
    staff.locator("#do-answer").click()
    expect(staff.locator("#topic-status")).to_have_text("已采纳")
    expect(staff.locator("#topic-answer")).to_contain_text("已列入年度加装电梯计划")
    desk.close()
    existing.refresh_from_db()
    assert existing.status == TopicStatus.ADOPTED
    assert refused == [], "the Content-Security-Policy refused something"
