"""The big screen (大屏): its data.json and geo.json on hand-built data, the page, scope and
permissions. The district fixture's regions have rectangles as boundaries."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core import registry
from shegong.core.perms import Perm
from shegong.core.registry import Indicator
from shegong.dashboard import rollup
from shegong.web.menu import menu_for

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 20)
PAGE = reverse("dashboard:screen")
DATA = reverse("dashboard:screen_data")
GEO = reverse("dashboard:screen_geo")
DISTRICT = "341271000000"
STREET_A = "341271001000"
STREET_B = "341271002000"
COMMUNITY_A = "341271001001"
ACTIVITIES = "volunteers.activities"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def today(monkeypatch):
    """The screen's "today" is 2026-04-20 (this year from 1 January, this month from 1 April)."""
    real = timezone.localdate

    def localdate(value=None, tz=None):
        return TODAY if value is None else real(value, tz)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return TODAY


@pytest.fixture
def activities(district, today):
    """Street A: community A in March (10 served) and April (5), its grid in April (7), and last
    June (4, outside this year but inside the twelve months); street B in March (1); a
    cancelled one that never counts. Rolled up."""
    team_a = testing.team(district["community_a"], name="东关队")
    team_grid = testing.team(district["grid_a"], name="网格队")
    team_b = testing.team(district["community_b"], name="西关队")
    testing.activity(team_a, starts_at=at(date(2026, 3, 2)), people_served=10)
    testing.activity(team_a, starts_at=at(date(2026, 4, 10)), people_served=5)
    testing.activity(team_grid, starts_at=at(date(2026, 4, 15)), people_served=7)
    testing.activity(team_a, starts_at=at(date(2025, 6, 1)), people_served=4)
    testing.activity(team_b, starts_at=at(date(2026, 3, 20)), people_served=1)
    testing.activity(team_a, starts_at=at(date(2026, 4, 5)), status="cancelled")
    rollup.backfill()


def get_json(client, url: str, **params: str):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def figure(data: dict, code: str) -> dict:
    return next(f for s in data["sections"] for f in s["figures"] if f["code"] == code)


def test_data_json_of_the_district(client, district_admin, activities):
    client.force_login(district_admin)
    data = get_json(client, DATA, region=DISTRICT, indicator=ACTIVITIES)
    assert data["title"] == "示范区基层社会工作数据大屏"
    assert data["today"] == "2026-04-20"
    assert data["data_time"]  # backfill brought the rollups up to date just now
    volunteers = next(s for s in data["sections"] if s["key"] == "volunteers")
    assert volunteers["title"] == "志愿服务与专业社工"
    assert figure(data, "volunteers.activities") == {
        "code": "volunteers.activities", "name": "志愿服务活动", "unit": "场次", "kind": "flow",
        "year": 4, "month": 2,
    }  # fmt: skip
    served = figure(data, "volunteers.people_served")
    assert (served["year"], served["month"]) == (23, 12)
    # The headline by street: the map's units and the ranking.
    assert data["headline"] == {"code": "volunteers.activities", "name": "志愿服务活动",
                                "unit": "场次"}  # fmt: skip
    assert data["units"] == [
        {"code": STREET_A, "name": "东城街道", "value": 3},
        {"code": STREET_B, "name": "西城街道", "value": 1},
    ]
    assert [r["name"] for r in data["ranking"]] == ["东城街道", "西城街道"]
    assert data["trend"]["months"][0] == "2025-05" and data["trend"]["months"][-1] == "2026-04"
    assert data["trend"]["values"] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]


def test_another_headline_recolours_the_map_and_reorders_nothing_else(
    client, district_admin, activities
):
    client.force_login(district_admin)
    data = get_json(client, DATA, region=DISTRICT, indicator="volunteers.people_served")
    assert data["headline"]["code"] == "volunteers.people_served"
    assert [(u["name"], u["value"]) for u in data["units"]] == [("东城街道", 22), ("西城街道", 1)]
    assert data["trend"]["values"][-2:] == [11, 12]
    assert figure(data, "volunteers.activities")["year"] == 4


def test_a_street_is_broken_down_into_its_communities(client, street_a_staff, activities):
    client.force_login(street_a_staff)
    data = get_json(client, DATA, indicator=ACTIVITIES)  # no region: the caller's own street
    assert data["region"]["code"] == STREET_A
    assert data["title"] == "东城街道基层社会工作数据大屏"
    assert data["units"] == [{"code": COMMUNITY_A, "name": "东关社区", "value": 3}]
    assert figure(data, "volunteers.activities")["year"] == 3
    text = json.dumps(data, ensure_ascii=False)
    assert "西城" not in text and "西关" not in text


def test_a_community_shows_itself(client, community_a_worker, activities):
    client.force_login(community_a_worker)
    data = get_json(client, DATA, indicator=ACTIVITIES)
    assert data["units"] == [{"code": COMMUNITY_A, "name": "东关社区", "value": 3}]
    geo = get_json(client, GEO)
    assert [f["properties"]["code"] for f in geo["features"]] == [COMMUNITY_A]


def test_a_city_adds_up_its_districts(client, superuser, district, activities):
    client.force_login(superuser)
    data = get_json(client, DATA, region=district["city"].code, indicator=ACTIVITIES)
    assert data["units"] == [{"code": DISTRICT, "name": "示范区", "value": 4}]


def test_geo_json_is_the_childrens_own_boundaries(client, district_admin, district):
    client.force_login(district_admin)
    response = client.get(GEO, {"region": DISTRICT})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    geo = json.loads(response.content)
    assert geo["type"] == "FeatureCollection"
    by_code = {f["properties"]["code"]: f for f in geo["features"]}
    assert set(by_code) == {STREET_A, STREET_B}
    assert by_code[STREET_A]["properties"]["name"] == "东城街道"
    ring = by_code[STREET_A]["geometry"]["coordinates"][0]
    lons = {round(p[0], 2) for p in ring}
    lats = {round(p[1], 2) for p in ring}
    assert lons == {115.70, 115.80} and lats == {32.80, 33.00}  # [lon, lat], street A's box
    street = get_json(client, GEO, region=STREET_A)
    assert [f["properties"]["name"] for f in street["features"]] == ["东关社区"]


@pytest.mark.parametrize("url", [PAGE, DATA, GEO])
@pytest.mark.parametrize("code", [STREET_B, "341271002001", "341271002001001", "341299000000"])
def test_a_region_outside_the_scope_is_not_found(client, street_a_staff, district, url, code):
    client.force_login(street_a_staff)
    response = client.get(url, {"region": code})
    assert response.status_code == 404
    assert "西城" not in response.content.decode()


@pytest.mark.parametrize("url", [PAGE, DATA, GEO])
def test_a_malformed_region_is_refused_naming_the_field(client, street_a_staff, url):
    client.force_login(street_a_staff)
    response = client.get(url, {"region": "东城"})
    assert response.status_code == 400
    assert "区划代码（region）" in response.content.decode()


@pytest.mark.parametrize("url", [PAGE, DATA])
def test_an_unknown_indicator_is_refused_naming_the_field(client, street_a_staff, url):
    client.force_login(street_a_staff)
    response = client.get(url, {"indicator": "volunteers.nothing"})
    assert response.status_code == 400
    assert "指标（indicator）" in response.content.decode()


@pytest.fixture
def secret_indicator():
    """An indicator of a permission street staff do not hold."""
    secret = Indicator(
        "test.secret", "保密指标", "件", "volunteers", "测试用", source=lambda: None,
        date_field="created_at", perm=Perm.AUDIT_FULL, order=1,
    )  # fmt: skip
    registry.indicators.add(secret)
    yield secret
    registry.indicators.remove(secret.code)


def test_only_the_indicators_the_caller_may_see(client, street_a_staff, secret_indicator):
    client.force_login(street_a_staff)
    data = get_json(client, DATA)
    volunteers = next(s for s in data["sections"] if s["key"] == "volunteers")
    # Ordered first of its section, it would be shown first: it is not shown at all.
    assert volunteers["figures"][0]["code"] == ACTIVITIES
    assert "test.secret" not in [i["code"] for i in data["indicators"]]
    assert client.get(DATA, {"indicator": "test.secret"}).status_code == 400


@pytest.mark.parametrize("url", [PAGE, DATA, GEO])
def test_head_answers_like_get(client, street_a_staff, url):
    client.force_login(street_a_staff)
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("url", [PAGE, DATA, GEO])
def test_login_and_the_dashboard_permission_are_required(client, resident, url):
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 405


def test_the_page_carries_its_data_and_refresh_and_loads_nothing_from_outside(
    client, street_a_staff, activities, settings
):
    settings.SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS = 15
    client.force_login(street_a_staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="sg-screen-title" id="screen-title">东城街道基层社会工作数据大屏</h1>' in html
    assert 'data-refresh="15"' in html
    assert "vendor/echarts-6.1.0/echarts.min.js" in html
    assert "http://" not in html and "https://" not in html
    data = json.loads(
        html.split('id="screen-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["refresh_seconds"] == 15
    assert figure(data, "volunteers.activities")["year"] == 3


def test_the_menu_offers_the_screen(street_a_staff, resident):
    def labels(user):
        return [e["label"] for g in menu_for(user, "/") for e in g["items"]]

    assert "大屏展示" in labels(street_a_staff)
    assert "大屏展示" not in labels(resident)


def test_the_vendored_echarts_build_draws_maps():
    """The common build has no map series; the screen loads the full build, which has it."""
    from django.contrib.staticfiles import finders

    path = finders.find("vendor/echarts-6.1.0/echarts.min.js")
    assert path
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert 'registerImpl("registerMap"' in text and "visualMap.continuous" in text
