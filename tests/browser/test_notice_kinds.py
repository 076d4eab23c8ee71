"""发布星级认定公示 in a browser (issue 17 §3): staff preview the new stars of their street,
confirm, and the notice is published with masked names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.notices.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_preview_and_publish_the_new_stars(page, district):
    staff = testing.user(Role.STREET_STAFF, district["street_a"], name="东城街道干部")
    testing.volunteer(
        district["community_a"], name="王小明", star=3, hours=Decimal("612.50"),
        star_reached_at=timezone.now(),
    )  # fmt: skip
    testing.browser_log_in(page, staff.phone)
    page.goto("/volunteers/")
    page.locator("#star-notice-button").click()
    page.get_by_label("公示范围", exact=True).select_option(district["street_a"].code)
    page.get_by_role("button", name="预览名单").click()
    page.locator("#notice-rows", has_text="王**").wait_for()
    assert "王小明" not in page.content()
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("#notice-publish-form").get_by_role("button").click()
    page.get_by_text("已发布公示").wait_for()
    assert asked and "发布" in asked[0]
    notice = Notice.objects.get(kind="volunteers.stars")
    assert "王**" in notice.body and "王小明" not in notice.body
