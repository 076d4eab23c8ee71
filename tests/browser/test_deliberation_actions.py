"""A community worker in the browser: updates a 落地实事's progress with a site photo, completes
it (with the confirmation), and the public accountability page (no login) shows it at 100 %."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.actions.actions import create_action
from shegong.deliberation.models import ActionItem, ActionUpdate, TopicCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_updates_progress_with_a_photo_and_completes_the_item(page, district, tmp_path):
    testing.deliberation_categories()
    worker = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工")
    item = create_action(
        worker, region=district["community_a"], category=TopicCategory.objects.get(code="elevator"),
        title="3号楼加装电梯", due_on=timezone.localdate() + timedelta(days=30),
        owner_kind="person", owner_name="王责任",
    )  # fmt: skip
    photo = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    testing.browser_log_in(page, worker.phone)

    page.goto("/deliberation/actions/")
    page.get_by_role("link", name="3号楼加装电梯").click()
    progress = page.locator("#form-progress")
    progress.locator("input[name=progress]").fill("60")
    progress.locator("textarea[name=text]").fill("井道施工完成")
    progress.locator("input[name=photos]").set_input_files(str(photo))
    progress.locator("button[type=submit]").click()
    expect(page.get_by_text("更新进展：已完成")).to_be_visible()
    expect(page.locator("#action-progress")).to_have_text("60%")
    expect(page.locator("#timeline img")).to_have_count(1)
    assert len(ActionUpdate.objects.get(action=item).photos) == 1

    complete = page.locator("#form-complete")
    complete.locator("textarea[name=text]").fill("电梯已通过验收投入使用")
    page.once("dialog", lambda dialog: dialog.accept())
    complete.locator("button[type=submit]").click()
    expect(page.locator("#action-status")).to_have_text("已落实")
    expect(page.locator("#action-progress")).to_have_text("100%")
    item.refresh_from_db()
    assert item.status == "done" and item.progress == 100

    page.context.clear_cookies()
    page.goto("/public/deliberation/")
    row = page.locator(f"[data-action='{item.pk}']")
    expect(row).to_contain_text("3号楼加装电梯")
    expect(row).to_contain_text("100%")
    expect(row).not_to_contain_text("王责任")
    expect(page.locator("#count-actions")).to_have_text("1")
    row.get_by_role("link", name="3号楼加装电梯").click()
    expect(page.locator("#public-progress")).to_have_text("100%")
    expect(page.locator("#public-timeline img")).to_have_count(1)
    assert ActionItem.objects.get().public
