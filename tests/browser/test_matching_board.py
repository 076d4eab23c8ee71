"""The community dispatch board in a real browser: a community worker finds an order waiting for
review on the 派单台, approves it, reads the engine's explanation of the candidates, dispatches
it to the top one (each step after a confirmation) and sees it move to 已派单."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.choices import OrderStatus
from shegong.matching.models import Order

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(district, community_a_worker):
    at = district["community_a"]
    near = testing.match_offer(
        at, "medical", helper=testing.user(Role.VOLUNTEER, at, name="近处志愿者"),
        name="近处陪诊志愿者", lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    testing.match_offer(
        at, "medical", helper=testing.user(Role.VOLUNTEER, at, name="远处志愿者"),
        name="远处陪诊志愿者", lat=testing.POINT_A[0] + 0.02, lon=testing.POINT_A[1],
        radius_m=5000,
    )  # fmt: skip
    elder = Person.objects.create(name="张秀英", id_number=testing.id_number("19400101"), region=at)
    placed = testing.match_order(
        community_a_worker, at, "medical", beneficiary=elder.pk, description="陪同去医院复查"
    )
    return placed, near


def test_a_worker_approves_reads_the_explanation_and_dispatches_to_the_top(
    page, community_a_worker, order
):
    placed, near = order
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, community_a_worker.phone)
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/matching/board/")
    review_tab = page.locator('#board-tabs a[data-tab="review"]')
    expect(review_tab).to_contain_text("1")
    row = page.locator(f'#board-table tr[data-order="{placed.number}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("张**")
    expect(row).not_to_contain_text("张秀英")
    row.get_by_role("link", name=placed.number).click()

    page.locator("#do-approve").click()
    expect(page.locator("#order-status")).to_have_text("待处理")
    assert any("审核通过" in q for q in questions)

    top = page.locator("#candidates .candidate").first
    expect(top).to_be_visible()
    expect(top).to_contain_text("近处陪诊志愿者")
    explanation = top.locator("table.explain")
    for label in ("技能", "距离", "时间", "负荷", "评价", "轮换"):
        expect(explanation.get_by_role("cell", name=label, exact=True)).to_be_visible()
    top.get_by_role("button", name="派单").click()
    expect(page.locator("#order-status")).to_have_text("已派单")
    expect(page.locator("#timeline")).to_contain_text("近处陪诊志愿者")
    expect(page.locator("#timeline")).to_contain_text("待接单")

    page.goto("/matching/board/?tab=dispatched")
    expect(page.locator('#board-tabs a[data-tab="dispatched"]')).to_contain_text("1")
    moved = page.locator(f'#board-table tr[data-order="{placed.number}"]')
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("剩余")
    expect(moved).to_contain_text("近处陪诊志愿者")
    assert Order.objects.get(pk=placed.pk).status == OrderStatus.DISPATCHED
    assert Order.objects.get(pk=placed.pk).offer_id == near.pk
    assert errors == []
