"""GET /api/v1/stations/nearest and /api/v1/stations/{id}: public, sorted, 422 per field."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core import geo
from shegong.stations.choices import StationStatus

from .test_nearest import DAYTIME, north, station

URL = "/api/v1/stations/nearest"


@pytest.fixture
def row(district):
    grid = district["grid_a"]
    return {
        "near": station(
            grid,
            "近站",
            north(100),
            facilities=["water", "toilet"],
            seats=8,
            contact_phone="0558-1234567",
            contact_name="张站长",
        ),
        "far": station(grid, "远站", north(700), facilities=["water"], schedule=DAYTIME),
    }


def test_nearest_is_public_and_sorted(client, row):
    response = client.get(URL, {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1]})
    assert response.status_code == 200
    body = response.json()
    assert [s["name"] for s in body] == ["近站", "远站"]
    first = body[0]
    assert round(first["distance_m"]) == 100
    assert first["kind_label"] == "暖新驿站"
    assert {f["code"] for f in first["facilities"]} == {"water", "toilet"}
    assert {f["name"] for f in first["facilities"]} == {"饮水", "卫生间"}
    assert first["phone"] == "0558-1234567" and first["seats"] == 8
    assert first["open_now"] is True and first["today"] == "24小时开放"
    assert first["status"] == "open" and first["status_label"] == "开放"
    assert "张站长" not in response.content.decode()  # a station's phone, no person's name


def test_facility_repeated_or_comma_separated(client, row):
    point = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1]}
    repeated = client.get(URL, {**point, "facility": ["water", "toilet"]}).json()
    comma = client.get(URL, {**point, "facility": "water,toilet"}).json()
    assert [s["name"] for s in repeated] == [s["name"] for s in comma] == ["近站"]


def test_crs_in_and_out(client, row):
    lon, lat = geo.wgs84_to_gcj02(testing.POINT_A[1], testing.POINT_A[0])
    body = client.get(URL, {"lat": lat, "lon": lon, "crs": "gcj02", "limit": 1}).json()
    assert [s["name"] for s in body] == ["近站"]
    near = row["near"]
    g_lat, g_lon = geo.from_wgs84(near.lat, near.lon, "gcj02")
    assert body[0]["crs"] == "gcj02"
    assert body[0]["lat_crs"] == pytest.approx(g_lat, abs=1e-6)
    assert body[0]["lon_crs"] == pytest.approx(g_lon, abs=1e-6)
    assert body[0]["lat"] == pytest.approx(near.lat, abs=1e-6)


def test_radius_and_open_now(client, row):
    point = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1]}
    assert [s["name"] for s in client.get(URL, {**point, "radius": 300}).json()] == ["近站"]
    body = client.get(URL, {**point, "open_now": "true"}).json()
    assert "近站" in [s["name"] for s in body]  # always open


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"lon": 115.75}, "lat", "请提供纬度"),
        ({"lat": "北纬", "lon": 115.75}, "lat", "纬度应为数字"),
        ({"lat": 32.87, "lon": "x"}, "lon", "经度应为数字"),
        ({"lat": 115.8, "lon": 32.9}, "lat", "纬度和经度可能填反了"),
        ({"lat": 40.7, "lon": -74.0}, "lon", "坐标不在中国境内"),
        ({"lat": 1.3, "lon": 103.8}, "lat", "坐标不在中国境内"),
        ({"lat": 32.87, "lon": 115.75, "crs": "epsg3857"}, "crs", "坐标系"),
        ({"lat": 32.87, "lon": 115.75, "radius": 0}, "radius", "1 到 50,000"),
        ({"lat": 32.87, "lon": 115.75, "radius": 60000}, "radius", "1 到 50,000"),
        ({"lat": 32.87, "lon": 115.75, "radius": "far"}, "radius", "应为整数"),
        ({"lat": 32.87, "lon": 115.75, "limit": 0}, "limit", "1 到 50"),
        ({"lat": 32.87, "lon": 115.75, "limit": 51}, "limit", "1 到 50"),
        ({"lat": 32.87, "lon": 115.75, "facility": "water,sauna"}, "facility", "sauna"),
        ({"lat": 32.87, "lon": 115.75, "open_now": "maybe"}, "open_now", "true 或 false"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, db, params, field, text):
    response = client.get(URL, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert field in messages, body
    assert text in messages[field]


def test_detail_is_public_and_a_missing_station_is_404(client, row):
    response = client.get(f"/api/v1/stations/{row['far'].pk}", {"crs": "bd09"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "远站" and body["distance_m"] is None and body["crs"] == "bd09"
    assert body["schedule"][0] == {"day": "周一", "hours": "08:00–20:00"}
    assert client.get("/api/v1/stations/999999").status_code == 404
    assert client.get(f"/api/v1/stations/{row['far'].pk}", {"crs": "x"}).status_code == 422


def test_detail_of_a_suspended_station_says_so(client, row):
    row["near"].status = StationStatus.SUSPENDED
    row["near"].save()
    body = client.get(f"/api/v1/stations/{row['near'].pk}").json()
    assert body["status_label"] == "暂停服务" and body["open_now"] is False
