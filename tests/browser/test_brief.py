"""The work brief page in a browser: the menu leads to it, the form downloads the document of
last month's figures, a period ending before it starts is refused beside its field, and an
uploaded template with an unknown placeholder is refused naming it."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from shegong import testing
from shegong.core.periods import Period
from shegong.dashboard import brief, rollup
from shegong.dashboard.models import BriefTemplate

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/shegong-brief-page.png"


def test_staff_download_the_brief_and_bad_input_is_explained(page, district, street_a_staff,
                                                             tmp_path):  # fmt: skip
    start, end = brief.last_month(timezone.localdate())
    team = testing.team(district["community_a"], name="东关队")
    for day, served in ((start, 10), (start + timedelta(days=3), 5), (end, 7)):
        starts = timezone.make_aware(datetime.combine(day, time(10)))
        testing.activity(team, starts_at=starts, people_served=served)
    rollup.backfill()
    page.set_default_timeout(60_000)  # a loaded machine: a download takes chromium a while
    log_in(page, street_a_staff.phone)
    page.wait_for_load_state()
    page.get_by_role("link", name="工作简报").first.click()
    expect(page.locator("h1", has_text="工作简报")).to_be_visible()
    assert page.locator("#id_start").input_value() == start.isoformat()
    page.select_option("#id_format", "md")
    with page.expect_download() as caught:
        page.locator("#brief-submit").click()
    download = caught.value
    label = brief.period_text(Period(start, end))
    assert download.suggested_filename == f"东城街道{label}基层社会工作简报.md"
    text = Path(download.path()).read_text("utf-8")
    assert "累计开展各类志愿服务活动3场次[^1]，服务群众22人次[^2]。" in text
    assert "[^1]: 志愿服务活动（volunteers.activities）" in text

    page.fill("#id_start", end.isoformat())
    page.fill("#id_end", start.isoformat())
    page.locator("#brief-submit").click()
    expect(page.locator("#error-end")).to_have_text("截止日期不能早于起始日期")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.goto("/dashboard/briefs/templates/")
    bad = Document()
    bad.add_paragraph("{{ title }}{{ leader_phone }}")
    path = tmp_path / "坏模板.docx"
    buffer = io.BytesIO()
    bad.save(buffer)
    path.write_bytes(buffer.getvalue())
    page.set_input_files("#id_file", str(path))
    page.locator("#template-submit").click()
    expect(page.locator("#error-file")).to_contain_text("模板中有未知的占位符：leader_phone")
    assert not BriefTemplate.objects.exists()
