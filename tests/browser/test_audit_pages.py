"""The audit pages in a browser (issue 13, part 6): an entry names its object by its Chinese kind
and links to it, says which channel it came through in Chinese, and shows its details as a
table of Chinese field names with old → new, not as raw JSON."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core import audit
from shegong.core.audit import Verb

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-audit-detail.png"


def test_an_entry_reads_in_chinese_and_links_to_its_object(page, district, district_admin):
    team = testing.team(district["community_a"], name="东关志愿服务队")
    with audit.audit_context(via="cli"):
        entry = audit.record(
            Verb.TEAM_INCUBATION_CHANGED,
            actor=None,
            target=team,
            data={"changed": {"incubation": ["none", "incubating"]}, "reason": "纳入孵化"},
        )
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, district_admin.phone)
    page.wait_for_load_state()
    page.goto(f"/audit/{entry.pk}/")
    details = page.locator("#audit-details")
    assert details.locator("tr", has_text="孵化状态").inner_text().split() == [
        "孵化状态", "未纳入孵化", "→", "孵化中"
    ]  # fmt: skip
    main = page.locator("main").inner_text()
    assert "{" not in main and "volunteers.team" not in main and "cli" not in main
    assert "志愿服务队伍" in main and "命令行" in main
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("link", name="东关志愿服务队").click()
    page.wait_for_url(re.compile(rf"/volunteers/teams/{team.pk}/$"))
    expect(page.locator("h1", has_text="东关志愿服务队")).to_be_visible()
