"""The public station pages: no login, nearest first with distance, filters, no external URL."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse
from tests.test_offline_pages import check_page

from shegong import testing
from shegong.stations.choices import StationStatus

from .test_nearest import DAYTIME, north, station

M_URL = "/m/stations/"
MAP_URL = "/public/stations/"


def test_urls():
    assert reverse("stations_m:m_nearest") == M_URL
    assert reverse("stations_public:map") == MAP_URL


def test_h5_page_without_position_lists_open_stations_by_name(client, district):
    station(district["grid_a"], "乙站", north(300))
    station(district["grid_a"], "甲站", north(100))
    station(district["grid_a"], "关了的站", north(50), status=StationStatus.CLOSED)
    response = client.get(M_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "乙站" in html and "甲站" in html and "关了的站" not in html
    assert "stations/m_nearest.js" in html  # asks for the position, the list is the fallback
    assert "现在开放" in html and "饮水" in html  # the toggle and the facility chips


def test_h5_page_with_position_lists_nearest_first_with_distance(client, district):
    station(district["grid_a"], "远站", north(2_500), facilities=["water"])
    station(district["grid_a"], "近站", north(350), facilities=["water", "toilet"])
    point = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1]}
    html = client.get(M_URL, point).content.decode()
    assert html.index("近站") < html.index("远站")
    assert "350 米" in html and "2.5 公里" in html
    filtered = client.get(M_URL, {**point, "facility": ["water", "toilet"]}).content.decode()
    assert "近站" in filtered and "远站" not in filtered


def test_h5_open_now_toggle(client, district):
    station(district["grid_a"], "白天站", north(100), schedule={**DAYTIME, "week": {}})
    station(district["grid_a"], "全天站", north(200))
    html = client.get(M_URL, {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1],
                              "open_now": "1"}).content.decode()  # fmt: skip
    assert "全天站" in html and "白天站" not in html


def test_h5_bad_position_says_why_and_falls_back_to_the_list(client, district):
    station(district["grid_a"], "甲站", north(100))
    response = client.get(M_URL, {"lat": 115.8, "lon": 32.9})
    assert response.status_code == 422
    html = response.content.decode()
    assert "纬度和经度可能填反了" in html and "甲站" in html


def test_public_map_lists_open_stations_and_draws_no_tiles_without_a_key(client, district):
    station(district["grid_a"], "甲站", north(100), contact_phone="0558-7654321")
    station(district["grid_b"], "暂停的站", testing.POINT_B, status=StationStatus.SUSPENDED)
    response = client.get(MAP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲站" in html and "0558-7654321" in html and "暂停的站" not in html
    assert "leaflet.js" in html and "&quot;tiles&quot;:[]" in html


@override_settings(SHEGONG_MAP_TK="", SHEGONG_MAP_TILES=["https://t{s}.tianditu.gov.cn/x"])
def test_no_tiles_are_configured_without_the_key(client, district):
    assert "tianditu" not in client.get(MAP_URL).content.decode()


def test_public_pages_load_nothing_from_outside(client, district):
    station(district["grid_a"], "甲站", north(100))
    seen: set[str] = set()
    point = f"?lat={testing.POINT_A[0]}&lon={testing.POINT_A[1]}"
    assert check_page(client, M_URL, seen) + check_page(client, M_URL + point, seen) == []
    assert check_page(client, MAP_URL, seen) == []
