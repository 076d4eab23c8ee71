"""The big screen (大屏) at 1920×1080 in a real browser: it draws the map from the regions' own
boundaries and shows the figures with no request leaving the site, fits the display with no
scrollbar, and redraws from data.json without reloading. The screenshot is saved under
var/test-output/ (the path is printed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from shegong import testing
from shegong.dashboard import rollup

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "var" / "test-output"
WIDTH, HEIGHT = 1920, 1080
ACTIVITIES = "volunteers.activities"


@pytest.fixture
def screen_page(browser, live_server):
    """A 1920×1080 page whose requests to anything but the live server are recorded and
    aborted; it fails the test on a Content-Security-Policy refusal or a script error."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT}
    )
    refused = watch_csp(context)
    outside: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page = context.new_page()
    page.route("**/*", route)
    page.set_default_timeout(60_000)  # generous: a busy machine serves the first pages slowly
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.outside = outside  # type: ignore[attr-defined]
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"
    assert errors == []


def painted_pixels(page, selector: str) -> int:
    """Non-transparent pixels on the chart's canvas (0 when nothing was drawn)."""
    return page.locator(f"{selector} canvas").first.evaluate(
        """canvas => {
          const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { n += 1; } }
          return n;
        }"""
    )


def test_the_screen_fits_1920_by_1080_draws_its_map_and_refreshes_in_place(
    screen_page, district_admin, district, settings
):
    settings.SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS = 5
    page = screen_page
    hour_ago = timezone.now() - timedelta(hours=1)
    team_a = testing.team(district["community_a"], name="东关队")
    team_b = testing.team(district["community_b"], name="西关队")
    testing.activity(team_a, starts_at=hour_ago, people_served=12)
    testing.activity(team_a, starts_at=hour_ago, people_served=8)
    testing.activity(team_b, starts_at=hour_ago, people_served=3)
    rollup.backfill()

    testing.browser_log_in(page, district_admin.phone)
    page.wait_for_url("**/")
    page.goto(f"/dashboard/screen/?region={district['district'].code}&indicator={ACTIVITIES}")
    page.wait_for_selector("#screen[data-map-ready='1']")
    assert page.locator("h1").inner_text() == "示范区基层社会工作数据大屏"
    assert page.locator("#screen-data-time").inner_text() != "尚未汇总"
    activities = page.locator(
        ".sg-screen-tile[data-indicator='volunteers.activities'] .sg-screen-tile-value"
    )
    assert activities.get_attribute("data-value") == "3"
    assert activities.inner_text().startswith("3")
    served = page.locator(
        ".sg-screen-tile[data-indicator='volunteers.people_served'] .sg-screen-tile-value"
    )
    assert served.get_attribute("data-value") == "23"
    # The map, the ranking and the trend are drawn; the map from the two streets' outlines.
    for chart in ("#screen-map", "#screen-ranking", "#screen-trend"):
        assert painted_pixels(page, chart) > 2_000, chart
    year = timezone.localdate().year
    assert page.locator("#map-title").inner_text() == f"各街道志愿服务活动（{year}年，场次）"
    # Everything fits the display: no scrollbar, and no section of figures cut off.
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= WIDTH and size[1] <= HEIGHT, size
    assert page.evaluate(
        "() => [...document.querySelectorAll('.sg-screen-sections')]"
        ".every(box => box.scrollHeight <= box.clientHeight + 1)"
    )
    page.wait_for_timeout(1_500)  # the charts' opening animation
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / "screen-1920x1080.png"
    page.screenshot(path=str(shot))
    print(f"big screen screenshot: {shot}")

    # A new activity reaches the screen at the next refresh, with no reload of the page.
    page.evaluate("() => { window.sgNotReloaded = true; }")
    testing.activity(team_b, starts_at=hour_ago, people_served=2)
    rollup.backfill()
    page.wait_for_selector(
        ".sg-screen-tile[data-indicator='volunteers.activities'] [data-value='4']", timeout=60_000
    )
    assert page.evaluate("() => window.sgNotReloaded === true")
    assert int(page.locator("#screen").get_attribute("data-refreshed")) >= 1
    assert page.outside == []  # type: ignore[attr-defined]


@pytest.fixture
def every_section():
    """Three more indicators in every section (counting the volunteers' activities again), as
    when every app has registered its own: the screen's fullest case."""
    from shegong.core import registry
    from shegong.core.registry import INDICATOR_SECTIONS, Indicator

    added = [
        Indicator(
            f"test.{section}.{n}", f"测试指标{n}号", "项", section, "测试用：已发布活动。",
            source="shegong.volunteers.indicators.held_activities", date_field="starts_at",
            order=100 + n,
        )
        for section in INDICATOR_SECTIONS
        for n in range(3)
    ]  # fmt: skip
    registry.indicators.add(*added)
    yield added
    for indicator in added:
        registry.indicators.remove(indicator.code)


def test_every_section_still_fits_the_display(screen_page, district_admin, district, every_section):
    page = screen_page
    team = testing.team(district["community_a"], name="东关队")
    testing.activity(team, starts_at=timezone.now() - timedelta(hours=1), people_served=1234)
    rollup.backfill()
    testing.browser_log_in(page, district_admin.phone)
    page.wait_for_url("**/")
    page.goto("/dashboard/screen/")
    page.wait_for_selector("#screen[data-map-ready='1']")
    assert page.locator(".sg-screen-section").count() == 8
    assert page.locator(".sg-screen-figures").get_attribute("class").endswith("is-compact")
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= WIDTH and size[1] <= HEIGHT, size
    assert page.evaluate(
        "() => [...document.querySelectorAll('.sg-screen-sections')]"
        ".every(box => box.scrollHeight <= box.clientHeight + 1)"
    )
    page.wait_for_timeout(1_500)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / "screen-1920x1080-every-section.png"
    page.screenshot(path=str(shot))
    print(f"big screen screenshot: {shot}")
    assert page.outside == []  # type: ignore[attr-defined]
