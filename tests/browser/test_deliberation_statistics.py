"""A community worker opens 议事统计 from the menu, reads the seed's headline numbers and the
figures, sees the four charts drawn (no CSP refusal: the page fixture fails on one), narrows to
the community and downloads the Excel file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.deliberation.choices import ActionStatus, MeetingKind, MeetingStatus, TopicStatus
from shegong.deliberation.models import ActionItem, Meeting, Topic, TopicCategory

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_reads_the_deliberation_statistics(page, district, community_a_worker):
    testing.deliberation_categories()
    community = district["community_a"]
    category = TopicCategory.objects.get(code="elevator")
    now = timezone.now()
    for status in (TopicStatus.PENDING, TopicStatus.ADOPTED, TopicStatus.DELIVERED):
        Topic.objects.create(
            region=community, category=category, title="加装电梯", body="三号楼", status=status,
            created_at=now - timedelta(days=3), support_count=0,
        )  # fmt: skip
    ActionItem.objects.create(
        region=community, category=category, title="三号楼加装电梯", owner_kind="person",
        owner_name="张三", due_on=now.date(), status=ActionStatus.DONE, progress=100,
        created_at=now - timedelta(days=2), done_at=now - timedelta(days=1),
    )  # fmt: skip
    Meeting.objects.create(
        region=community, kind=MeetingKind.THEMATIC, title="专题议事：加装电梯",
        starts_at=now - timedelta(days=1), place="议事厅", status=MeetingStatus.CLOSED,
        closed_at=now - timedelta(days=1),
    )  # fmt: skip

    log_in(page, community_a_worker.phone)
    page.wait_for_url(re.compile(r"/$"))
    card = page.locator("#card-deliberation")
    expect(card).to_be_visible()
    expect(card.locator('[data-indicator="pending"]')).to_contain_text("1")
    page.get_by_role("link", name="议事统计").first.click()
    page.wait_for_url(re.compile(r"/deliberation/statistics/"))
    headline = page.locator("#delib-headline")
    expect(headline.locator('[data-indicator="collected"]')).to_have_attribute("data-sg-value", "3")
    expect(headline.locator('[data-indicator="delivered"]')).to_have_attribute("data-sg-value", "1")
    expect(headline.locator('[data-indicator="thematic"]')).to_have_attribute("data-sg-value", "1")
    expect(page.locator('[data-indicator="adoption_rate"]')).to_contain_text("100.0%")
    for chart in ("chart-topics", "chart-meetings", "chart-categories", "chart-cadence"):
        expect(page.locator(f"#{chart} canvas").first).to_be_visible()
    expect(page.locator("#by-community")).to_contain_text("东关社区")

    page.locator("#id_community").select_option(community.code)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"community={community.code}"))
    expect(headline.locator('[data-indicator="collected"]')).to_have_attribute("data-sg-value", "3")
    expect(page.locator("#chart-topics canvas").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("#stats-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
