"""A rider on a phone: 随手拍 with geolocation and a photo, then the case in 我的上报.

The report page must stay under 300 KB before photos (issue 4 §5): every response the page
loads is summed here.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report
from shegong.reports.models import Report

from .conftest import image_decoded, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WEIGHT_LIMIT = 300 * 1024
SCREENSHOT = "/tmp/shegong-reports-mobile.png"
FORM_SCREENSHOT = "/tmp/shegong-reports-mobile-form.png"


@pytest.fixture
def phone(browser, live_server):
    """A narrow phone that has allowed geolocation, standing inside grid A."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=PHONE,
        has_touch=True,
        geolocation={"latitude": testing.POINT_A[0], "longitude": testing.POINT_A[1]},
        permissions=["geolocation"],
    )
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_rider_reports_with_geolocation_and_a_photo_and_follows_the_case(phone, district):
    department = Department.objects.create(code="cgj", name="城管局", region=district["district"])
    category = testing.report_category(
        "manhole", "井盖缺失", group="安全隐患", keywords="下水道,窨井",
        notice="如有人员坠落，请立即拨打110",
    )  # fmt: skip
    testing.routing_rule(category, district["district"], department)
    testing.report_category("lamp", "路灯不亮", group="公共设施")
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    neighbour = testing.user(Role.WORKER, district["community_a"], name="骑手小李")
    submit_report(
        actor=neighbour, category=category, description="东关路口窨井盖破了",
        lat=testing.POINT_A[0] + 0.0002, lon=testing.POINT_A[1],
    )  # fmt: skip

    phone.goto("/accounts/login/?next=/m/report/")
    phone.get_by_label("手机号").fill(rider.phone)
    phone.get_by_label("密码").fill(testing.PASSWORD)
    phone.get_by_role("button", name="登 录").click()
    phone.wait_for_url(re.compile(r"/m/report/$"))

    # Page weight: everything the report page loads, before any photo.
    sizes: dict[str, int] = {}
    phone.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    phone.reload(wait_until="networkidle")
    weight = sum(sizes.values())
    print(f"\n/m/report page weight: {weight} bytes in {len(sizes)} responses")
    assert weight < WEIGHT_LIMIT, sizes

    phone.locator("#geo-status", has_text="已获取当前位置").wait_for()  # geolocation is async
    phone.get_by_label("所在社区").wait_for(state="hidden")  # the manual fallback is not needed

    phone.get_by_label("搜索问题类别").fill("窨井")
    assert not phone.locator("#category-list").get_by_text("路灯不亮").is_visible()
    phone.locator(".rp-chip", has_text="井盖缺失").click()
    expect(phone.get_by_text("如有人员坠落，请立即拨打110")).to_be_visible()
    duplicates = phone.locator("#duplicate-list")
    duplicates.wait_for()
    assert "东关路口窨井盖破了" in duplicates.inner_text()
    expect(duplicates.get_by_role("button", name="关注")).to_be_visible()

    phone.locator("#photo-album").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    phone.locator("#photo-previews img").wait_for()
    assert phone.locator("#photo-status").inner_text().startswith("已选择1张照片")
    phone.get_by_role("textbox", name="问题描述").fill("井盖缺失，夜间有人绊倒的危险")
    phone.screenshot(path=FORM_SCREENSHOT, full_page=True)
    phone.get_by_role("button", name="提交上报").click()

    phone.wait_for_url(re.compile(r"/m/my-reports/\d+/$"))
    phone.wait_for_load_state("networkidle")
    report = Report.objects.get(reporter=rider)
    assert report.lat is not None and len(report.photos) == 1
    expect(phone.get_by_text(f"上报成功，工单编号 {report.number}")).to_be_visible()
    timeline = phone.locator("#timeline")
    assert "提交 · 上报人" in timeline.inner_text() and "派单" in timeline.inner_text()
    assert "承办部门\n城管局" in phone.locator("#case-summary").inner_text()
    assert image_decoded(phone.locator("#case-photos img"))
    phone.screenshot(path=SCREENSHOT, full_page=True)

    # 我的 → 我的上报 (the bottom navigation is the shell's: 首页 · 随手拍 · … · 消息 · 我的).
    phone.get_by_role("navigation", name="底部导航").get_by_role("link", name="我的").click()
    phone.wait_for_url(re.compile(r"/m/me/$"))
    phone.locator("#me-links").get_by_role("link", name="我的上报").click()
    phone.wait_for_url(re.compile(r"/m/my-reports/$"))
    expect(phone.locator("#my-reports").get_by_text(report.number, exact=False)).to_be_visible()


def test_without_geolocation_the_rider_gives_an_address(browser, live_server, district, tmp_path):
    category = testing.report_category("lamp", "路灯不亮", group="公共设施")
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()  # geolocation not granted: the browser refuses it
    page.set_default_timeout(10_000)
    try:
        page.goto("/accounts/login/?next=/m/report/")
        page.get_by_label("手机号").fill(rider.phone)
        page.get_by_label("密码").fill(testing.PASSWORD)
        page.get_by_role("button", name="登 录").click()
        page.wait_for_url(re.compile(r"/m/report/$"))
        page.locator("#geo-status", has_text="请填写地址并选择所在社区").wait_for()
        expect(page.get_by_label("所在社区")).to_be_visible()

        page.locator(".rp-chip", has_text="路灯不亮").click()
        page.get_by_role("button", name="提交上报").click()  # nothing filled: checked in the page
        expect(page.get_by_text("请至少拍摄或选择一张照片")).to_be_visible()
        expect(page.get_by_text("请允许定位，或填写地址并选择所在社区")).to_be_visible()

        # Checked in the page before a slow upload: size and count.
        album = page.locator("#photo-album")
        big = tmp_path / "大图.jpg"  # a path, not a buffer: 10 MB through the protocol is slow
        big.write_bytes(b"\xff" * (10 * 1024 * 1024 + 1))
        album.set_input_files(big)
        errors = page.locator("#error-photos")
        errors.get_by_text("大图.jpg：文件过大（10.0 MB），每张不超过 10 MB").wait_for()
        album.set_input_files(
            [{"name": f"{i}.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
             for i in range(10)]
        )  # fmt: skip
        previews = page.locator("#photo-previews img")
        previews.nth(8).wait_for()
        assert previews.count() == 9
        assert "最多上传9张照片，多出的照片未添加" in errors.inner_text()
        page.get_by_role("button", name="删除第1张照片").click()
        assert previews.count() == 8
        page.get_by_label("详细地址或附近地标").fill("人民路12号门口")
        page.get_by_label("所在社区").select_option(district["community_a"].code)
        page.get_by_role("textbox", name="问题描述").fill("路灯不亮")
        page.get_by_role("button", name="提交上报").click()
        page.wait_for_url(re.compile(r"/m/my-reports/\d+/$"))
        # Let the thumbnails finish loading before the test database is emptied.
        page.wait_for_load_state("networkidle")
        report = Report.objects.get(reporter=rider)
        assert report.category == category and report.region == district["community_a"]
        assert report.lat is None and len(report.photos) == 8
    finally:
        context.close()
