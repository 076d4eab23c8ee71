"""The nearest-station query: distance order, radius, facilities, open now, status, crs."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shegong import testing
from shegong.core import geo
from shegong.core.errors import InvalidInput
from shegong.stations import queries
from shegong.stations.choices import StationStatus
from shegong.stations.models import Facility, Station

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=SH)  # a Monday
MONDAY_22 = datetime(2026, 11, 30, 22, 0, tzinfo=SH)
DAYTIME = {"always_open": False, "week": {d: [["08:00", "20:00"]] for d in "1234567"},
           "closures": []}  # fmt: skip
ALWAYS = {"always_open": True, "week": {}, "closures": []}


def north(metres: float, origin: tuple[float, float] = testing.POINT_A) -> tuple[float, float]:
    """A point ``metres`` north of the origin."""
    return origin[0] + metres / (math.pi * geo.EARTH_RADIUS_M / 180), origin[1]


def station(region, name: str, point: tuple[float, float], *, facilities=(), **fields) -> Station:
    fields.setdefault("schedule", ALWAYS)
    made = Station.objects.create(name=name, address=f"{name}路1号", lat=point[0], lon=point[1],
                                  region=region, **fields)  # fmt: skip
    made.facilities.set(Facility.objects.filter(code__in=facilities))
    return made


@pytest.fixture
def row(district):
    grid = district["grid_a"]
    return {
        "far": station(grid, "远站", north(900), facilities=["water"]),
        "near": station(grid, "近站", north(100), facilities=["water", "toilet"]),
        "mid": station(grid, "中站", north(400), facilities=["water", "toilet", "charging"]),
    }


def names(found) -> list[str]:
    return [s.name for s, _ in found]


def test_sorted_by_distance_with_metres(row):
    found = queries.nearest(*testing.POINT_A)
    assert names(found) == ["近站", "中站", "远站"]
    assert [round(d) for _, d in found] == [100, 400, 900]


def test_limit_keeps_the_nearest(row):
    assert names(queries.nearest(*testing.POINT_A, limit=2)) == ["近站", "中站"]


def test_radius_cuts_off(row):
    assert names(queries.nearest(*testing.POINT_A, radius=500)) == ["近站", "中站"]
    assert names(queries.nearest(*testing.POINT_A, radius=50)) == []


def test_the_search_grows_until_it_finds_far_stations(district):
    station(district["grid_a"], "十五公里外", north(15_000))
    found = queries.nearest(*testing.POINT_A)
    assert names(found) == ["十五公里外"] and round(found[0][1]) == 15_000


def test_a_station_in_the_box_corner_beyond_the_circle_waits_for_the_next_step(district):
    """A station 1.2 km away diagonally lies in the 1 km box's neighbourhood but not the 1 km
    circle; a station 1.1 km north must still come first."""
    lat, _ = north(900)
    diagonal = (lat, testing.POINT_A[1] + 900 / (111_195 * math.cos(math.radians(lat))))
    station(district["grid_a"], "斜角", diagonal)
    station(district["grid_a"], "正北", north(1_100))
    assert names(queries.nearest(*testing.POINT_A, limit=1)) == ["正北"]


def test_facility_filter_needs_all_of_them(row):
    assert names(queries.nearest(*testing.POINT_A, facilities=["water"])) == [
        "近站",
        "中站",
        "远站",
    ]
    assert names(queries.nearest(*testing.POINT_A, facilities=["water", "toilet"])) == [
        "近站",
        "中站",
    ]
    assert names(queries.nearest(*testing.POINT_A, facilities="toilet,charging")) == ["中站"]
    assert queries.nearest(*testing.POINT_A, facilities=["wifi"]) == []


def test_unknown_facility_is_named(row):
    with pytest.raises(InvalidInput) as caught:
        queries.nearest(*testing.POINT_A, facilities=["water", "jacuzzi"])
    assert "jacuzzi" in caught.value.detail
    assert caught.value.errors[0]["field"] == "facility"


def test_open_now_by_schedule_and_by_closure(district):
    grid = district["grid_a"]
    station(grid, "白天站", north(100), schedule=DAYTIME)
    station(grid, "全天站", north(300), schedule=ALWAYS)
    station(grid, "闭站中", north(200), schedule={**ALWAYS, "closures": [
        {"from": "2026-11-30", "to": "2026-12-01", "reason": "维修"}]})  # fmt: skip
    assert names(queries.nearest(*testing.POINT_A, open_now=True, at=MONDAY_10)) == [
        "白天站",
        "全天站",
    ]
    assert names(queries.nearest(*testing.POINT_A, open_now=True, at=MONDAY_22)) == ["全天站"]
    everyone = queries.nearest(*testing.POINT_A, at=MONDAY_22)
    assert names(everyone) == ["白天站", "闭站中", "全天站"]


def test_open_now_keeps_growing_past_closed_stations(district):
    grid = district["grid_a"]
    for i in range(3):
        station(grid, f"夜里关{i}", north(100 + i), schedule=DAYTIME)
    station(grid, "远处全天", north(8_000))
    found = queries.nearest(*testing.POINT_A, open_now=True, at=MONDAY_22, limit=1)
    assert names(found) == ["远处全天"]


def test_closed_and_suspended_stations_are_not_found(district):
    grid = district["grid_a"]
    station(grid, "已关闭", north(50), status=StationStatus.CLOSED)
    station(grid, "暂停", north(60), status=StationStatus.SUSPENDED)
    station(grid, "开放", north(70))
    assert names(queries.nearest(*testing.POINT_A)) == ["开放"]


def test_a_gcj02_input_of_the_same_point_finds_the_same_station(row, district):
    lon, lat = geo.wgs84_to_gcj02(testing.POINT_A[1], testing.POINT_A[0])
    # A decoy where the GCJ-02 numbers would be if they were (wrongly) taken as WGS-84.
    station(district["grid_a"], "误读点", (lat, lon))
    wgs = queries.nearest(*testing.POINT_A, limit=1)
    gcj = queries.nearest(lat, lon, crs="gcj02", limit=1)
    assert names(gcj) == names(wgs) == ["近站"]
    assert abs(gcj[0][1] - wgs[0][1]) < 1
    # Taken as WGS-84, the GCJ-02 point is hundreds of metres off and finds another station.
    assert names(queries.nearest(lat, lon, limit=1)) == ["误读点"]


def test_the_number_of_queries_does_not_depend_on_the_results(district):
    grid = district["grid_a"]
    for i in range(2):
        station(grid, f"站{i}", north(100 + i * 10), facilities=["water", "toilet"])
    with CaptureQueriesContext(connection) as few:
        queries.nearest(*testing.POINT_A, radius=1000, facilities=["water"], limit=2)
    for i in range(2, 30):
        station(grid, f"站{i}", north(100 + i * 10), facilities=["water", "toilet"])
    with CaptureQueriesContext(connection) as many:
        found = queries.nearest(*testing.POINT_A, radius=1000, facilities=["water"])
        [f.name for s, _ in found for f in s.facilities.all()]
    assert len(found) == 10
    assert len(many) == len(few)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads box by box")
def test_the_search_near_or_far_is_one_statement(district):
    """The boxes, the ranking, the winners' rows and their facilities: one round trip, whether
    the nearest station is 100 m or 30 km away."""
    grid = district["grid_a"]
    station(grid, "近处", north(100), facilities=["water", "toilet"])
    station(grid, "远处", north(30_000))
    for radius, expected in ((None, ["近处", "远处"]), (500, ["近处"])):
        with CaptureQueriesContext(connection) as one:
            found = queries.nearest(*testing.POINT_A, radius=radius)
            facilities = {s.name: [f.code for f in s.facilities.all()] for s, _ in found}
        assert names(found) == expected and len(one) == 1
    near = Station.objects.get(name="近处").facilities.filter(is_active=True)  # (order, code)
    assert facilities == {"近处": [f.code for f in near]}
    assert [round(d) for _, d in queries.nearest(*testing.POINT_A)] == [100, 30_000]
    assert [round(d) for d, _ in queries.rank(*testing.POINT_A, radius=50_000)] == [100, 30_000]


@pytest.mark.parametrize(
    ("lat", "lon", "field", "text"),
    [
        (None, 115.75, "lat", "请提供纬度"),
        ("abc", 115.75, "lat", "纬度应为数字"),
        (32.87, "", "lon", "请提供经度"),
        (115.75, 32.87, "lat", "纬度和经度可能填反了"),
        (48.85, 2.35, "lon", "坐标不在中国境内"),
        (-33.9, 151.2, "lat", "坐标不在中国境内"),
    ],
)
def test_bad_points(db, lat, lon, field, text):
    with pytest.raises(InvalidInput) as caught:
        queries.nearest(lat, lon)
    assert text in caught.value.detail
    assert field in {e["field"] for e in caught.value.errors}


def test_bad_crs_radius_and_limit(db):
    for kwargs, field in [({"crs": "utm"}, "crs"), ({"radius": 0}, "radius"),
                          ({"radius": 50_001}, "radius"), ({"limit": 0}, "limit"),
                          ({"limit": 51}, "limit")]:  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            queries.nearest(*testing.POINT_A, **kwargs)
        assert caught.value.errors[0]["field"] == field, kwargs


def test_access_station_is_scoped(district, street_a_staff):
    mine = station(district["grid_a"], "东城驿站", testing.POINT_A)
    theirs = station(district["grid_b"], "西城驿站", testing.POINT_B)
    assert queries.access_station(street_a_staff, mine.pk) == mine
    from shegong.core.errors import NotFound

    with pytest.raises(NotFound):
        queries.access_station(street_a_staff, theirs.pk)
