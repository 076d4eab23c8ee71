import pytest

from shegong.core import geo
from shegong.testing import rect


def test_it_converts_between_the_three_systems_like_the_published_example():
    g_lon, g_lat = geo.wgs84_to_gcj02(116.3975, 39.9087)
    assert (round(g_lon, 5), round(g_lat, 5)) == (116.40374, 39.91010)
    b_lon, b_lat = geo.gcj02_to_bd09(g_lon, g_lat)
    assert (round(b_lon, 5), round(b_lat, 5)) == (116.41012, 39.91644)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_round_trips_return_the_point_within_centimetres(crs):
    lat, lon = geo.from_wgs84(32.9, 115.8, crs)
    back_lat, back_lon = geo.to_wgs84(lat, lon, crs)
    assert geo.haversine_m(32.9, 115.8, back_lat, back_lon) < 0.1


def test_points_outside_china_are_not_shifted():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_polygons_contain_and_exclude_points_and_respect_holes():
    outer = rect(0, 0, 10, 10)["coordinates"][0]
    hole = rect(4, 4, 6, 6)["coordinates"][0]
    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    assert geo.contains(polygon, 1, 1)
    assert not geo.contains(polygon, 5, 5)
    assert not geo.contains(polygon, 11, 1)
    assert geo.bbox(polygon) == (0, 10, 0, 10)
    assert geo.centroid(rect(0, 0, 2, 4)) == pytest.approx((1, 2))


@pytest.mark.parametrize(
    "geometry, message",
    [
        ("nope", "GeoJSON 对象"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "至少需要4个点"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 200], [0, 0]]]}, "超出"),
    ],
)
def test_bad_boundaries_get_a_chinese_reason(geometry, message):
    with pytest.raises(ValueError, match=message):
        geo.validate_polygon(geometry)


def test_distance_of_one_degree_of_latitude():
    assert geo.haversine_m(32, 115, 33, 115) == pytest.approx(111_195, rel=1e-3)
