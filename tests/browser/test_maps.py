"""Every map draws the regions' own outlines with their names (a base layer that needs no tile
key and no internet), its points on top, and asks nothing of another host; with a key
configured the tile layers are added on top (their requests are blocked here and counted)."""

from __future__ import annotations

import re

import pytest

from shegong import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_NAMES = {
    "示范区",
    "东城街道",
    "西城街道",
    "东关社区",
    "西关社区",
    "东关社区第一网格",
    "西关社区第一网格",
}
FAKE_KEY = "test-key-not-real"
TILE_HOST = "tiles.example.invalid"


@pytest.fixture
def offsite(page, live_server):
    """Every request that leaves the live server, aborted and recorded."""
    requested: list[str] = []
    local = live_server.url

    def handle(route):
        url = route.request.url
        if url.startswith(local) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            requested.append(url)
            route.abort()

    page.route("**/*", handle)
    return requested


@pytest.fixture
def with_key(settings):
    settings.SHEGONG_MAP_TK = FAKE_KEY
    settings.SHEGONG_MAP_TILES = [f"https://t{{s}}.{TILE_HOST}/vec/{{z}}/{{x}}/{{y}}?tk={{tk}}"]


def drawn(page, selector: str) -> dict:
    """Wait until the map has drawn its first outline level, then report what it shows."""
    page.wait_for_selector(f"{selector}[data-boundary-count]")
    page.wait_for_function(
        "s => Number(document.querySelector(s).dataset.boundaryCount) > 0", arg=selector
    )
    visible_labels = page.locator(f"{selector} .sg-map-label").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).visibility === 'visible')"
        ".map(e => e.textContent)"
    )
    return {
        "paths": page.locator(f"{selector} .leaflet-overlay-pane path").count(),
        "labels": visible_labels,
        "tiles": page.locator(f"{selector} .leaflet-tile-pane .leaflet-layer").count(),
        "levels": page.locator(selector).get_attribute("data-levels-loaded"),
    }


def test_the_regions_page_draws_the_district_its_streets_and_their_names(
    page, offsite, district_admin
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    testing.browser_log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/regions/341271000000/")
    shown = drawn(page, "#region-map")
    assert shown["paths"] >= 3  # the district and its two streets
    page.wait_for_function(
        "() => document.querySelector('#region-map').dataset.levelsLoaded.includes('street')"
    )
    shown = drawn(page, "#region-map")
    # The names of one level, the deepest with room for them (here the two communities).
    assert shown["labels"] and set(shown["labels"]) <= ALL_NAMES
    assert shown["tiles"] == 0
    page.screenshot(path="/tmp/shegong-map-regions.png")
    page.locator("#region-map .leaflet-control-zoom-out").click()
    page.wait_for_timeout(400)
    assert set(drawn(page, "#region-map")["labels"]) == {"东城街道", "西城街道"}
    assert offsite == [] and errors == []


def test_zooming_in_shows_the_next_level_and_its_names(page, offsite, street_a_staff):
    testing.browser_log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/regions/341271001001/")  # 东关社区: the community, then its grid
    page.wait_for_function(
        "() => (document.querySelector('#region-map').dataset.levelsLoaded || '').includes('grid')"
    )
    shown = drawn(page, "#region-map")
    assert "东关社区第一网格" in shown["labels"]
    assert offsite == []


def test_with_a_key_the_tiles_are_added_over_the_offline_base(
    page, offsite, district_admin, with_key
):
    testing.browser_log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/regions/341271000000/")
    shown = drawn(page, "#region-map")
    assert shown["tiles"] == 1 and shown["paths"] >= 1
    assert offsite and all(TILE_HOST in url and FAKE_KEY in url for url in offsite)
