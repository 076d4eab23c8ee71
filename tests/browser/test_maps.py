"""Every map draws the regions' own outlines with their names (a base layer that needs no tile
key and no internet), its points on top, and asks nothing of another host; with a key
configured the tile layers are added on top (their requests are blocked here and counted)."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report
from shegong.stations.models import Station

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
    page.wait_for_selector(f"{selector}[data-settled]")
    page.wait_for_function(
        "s => Number(document.querySelector(s).dataset.boundaryCount) > 0", arg=selector
    )
    # Names shown (their level's turn) and inside the map's box, where a person can read them.
    visible_labels = page.locator(f"{selector} .sg-map-label").evaluate_all(
        """els => els.filter(e => {
            const box = e.getBoundingClientRect();
            const map = e.closest('[data-sg-map]').getBoundingClientRect();
            return getComputedStyle(e).visibility === 'visible' && box.left >= map.left
                && box.right <= map.right && box.top >= map.top && box.bottom <= map.bottom;
        }).map(e => e.textContent)"""
    )
    # The drawing layer has the map's size (an H5 stylesheet once shrank every svg to an icon).
    svg_width = page.locator(f"{selector} .leaflet-overlay-pane svg").evaluate(
        "svg => svg.getBoundingClientRect().width"
    )
    assert svg_width >= page.locator(selector).bounding_box()["width"] / 2
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
    # Zoomed out, the communities are too small for their names: an outer level's names instead.
    zoomed_out = drawn(page, "#region-map")["labels"]
    assert zoomed_out and set(zoomed_out) <= {"示范区", "东城街道", "西城街道"}
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


# --- every other map page --------------------------------------------------------------------

ALWAYS_OPEN = {"always_open": True, "week": {}, "closures": []}


@pytest.fixture
def places(district, department_a):
    """Two cases (one in each street) and two stations, all with points."""
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    cases = [
        submit_report(actor=rider, category=category, description="路面坑洼", lat=p[0], lon=p[1])
        for p in (testing.POINT_A, testing.POINT_B)
    ]
    stations = [
        Station.objects.create(
            name=name, address=f"{name}路1号", lat=p[0], lon=p[1], region=region,
            schedule=ALWAYS_OPEN,
        )
        for name, p, region in (
            ("东关驿站", testing.POINT_A, district["grid_a"]),
            ("西关驿站", testing.POINT_B, district["grid_b"]),
        )
    ]  # fmt: skip
    return {"case": cases[0], "stations": stations}


# (who, the page, the map element, the points it draws, a folded map to open first)
PAGES = [
    (None, "/public/cases/", "#case-map", 2, None),
    (None, "/public/cases/{case}/", "#case-map", 1, None),
    (None, "/public/stations/", "#station-map", 2, None),
    (None, "/m/stations/", "#st-map", 2, None),
    ("street_a_staff", "/reports/{case}/", "#case-map", 1, None),
    ("district_admin", "/reports/?status=all", "#queue-map", 2, "#queue-map-card summary"),
    ("street_a_staff", "/stations/{station}/", "#station-map", 1, None),
    ("district_admin", "/stations/", "#station-map", 2, "#station-map-card summary"),
]


def visit(page, request, places, who, url, opener):
    if who is not None:
        testing.browser_log_in(page, request.getfixturevalue(who).phone)
        page.wait_for_url(re.compile(r"/$"))
    page.goto(url.format(case=places["case"].pk, station=places["stations"][0].pk))
    if opener:
        page.locator(opener).click()


@pytest.mark.parametrize(("who", "url", "selector", "points", "opener"), PAGES)
def test_every_map_draws_outlines_names_and_points_with_nothing_from_outside(
    page, offsite, request, places, who, url, selector, points, opener
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    visit(page, request, places, who, url, opener)
    shown = drawn(page, selector)
    assert page.locator(selector).get_attribute("data-ready") == str(points)
    assert shown["paths"] > points  # the points and at least one outline
    assert shown["labels"] and set(shown["labels"]) <= ALL_NAMES
    assert shown["tiles"] == 0
    if url.startswith(("/public/", "/m/")):  # the public never gets the grids
        assert "grid" not in (shown["levels"] or "")
        assert not {"东关社区第一网格", "西关社区第一网格"} & set(shown["labels"])
    name = url.strip("/").replace("/", "-").split("?")[0].replace("{", "").replace("}", "")
    page.screenshot(path=f"/tmp/shegong-map-{name}.png")
    assert offsite == [] and errors == []


@pytest.mark.parametrize(
    ("who", "url", "selector", "points", "opener"), [PAGES[0], PAGES[4], PAGES[7]]
)
def test_with_a_key_every_map_adds_the_tiles(
    page, offsite, request, places, with_key, who, url, selector, points, opener
):
    visit(page, request, places, who, url, opener)
    shown = drawn(page, selector)
    assert shown["tiles"] == 1 and shown["paths"] > points
    page.wait_for_function(
        "s => document.querySelectorAll(s + ' .leaflet-tile-pane img').length > 0", arg=selector
    )
    assert offsite and all(TILE_HOST in u and FAKE_KEY in u for u in offsite)


def test_the_case_list_map_follows_the_filters_and_stays_open(
    page, offsite, district_admin, places
):
    testing.browser_log_in(page, district_admin.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/reports/")
    assert not page.locator("#queue-map-card").evaluate("d => d.open")  # folded: nothing fetched
    assert page.locator("#queue-map[data-boundary-count]").count() == 0
    page.locator("#queue-map-card summary").click()
    drawn(page, "#queue-map")
    assert page.locator("#queue-map").get_attribute("data-ready") == "2"
    page.get_by_label("区划").select_option(label="西城街道")  # htmx swaps the results
    page.wait_for_selector("#queue-map[data-ready='1']")
    assert page.locator("#queue-map-card").evaluate("d => d.open")  # remembered across the swap
    assert drawn(page, "#queue-map")["paths"] > 1
    page.reload()
    page.wait_for_selector("#queue-map[data-ready='1']")  # and across a page load
    assert offsite == []


def test_gcj02_tiles_get_the_points_and_outlines_shifted_onto_them(
    page, offsite, places, with_key, settings
):
    from shegong.core import geo

    settings.SHEGONG_MAP_CRS = "gcj02"
    page.goto(f"/public/cases/{places['case'].pk}/")
    drawn(page, "#case-map")
    lat, lon = page.locator("#case-map").evaluate(
        """el => { let found = null;
            el.sgMap.eachLayer(l => {
                if (l instanceof L.CircleMarker) { found = l.getLatLng(); }
            });
            return [found.lat, found.lng]; }"""
    )
    stored = places["case"].public_point()
    expected_lon, expected_lat = geo.wgs84_to_gcj02(stored[1], stored[0])
    assert abs(lat - expected_lat) < 1e-7 and abs(lon - expected_lon) < 1e-7
    assert abs(lat - stored[0]) > 1e-4  # it did move (a few hundred metres)
