"""The maps' base layer: GeoJSON outlines of one level, scoped for staff, public levels only for
everyone else, small (simplified) and cacheable; bad parameters are a 4xx with a Chinese reason."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core import geo
from shegong.core.perms import Role
from shegong.regions.models import Region

STAFF_URL = "/regions/boundaries/"
PUBLIC_URL = "/public/regions/boundaries/"


def features(response) -> list[dict]:
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body["features"]


def names(response) -> list[str]:
    return [f["properties"]["name"] for f in features(response)]


def test_the_urls_are_where_the_maps_look():
    assert reverse("regions:boundaries") == STAFF_URL
    assert reverse("regions_public:boundaries") == PUBLIC_URL


def test_a_street_gets_only_its_own_subtree(client, street_a_staff):
    client.force_login(street_a_staff)
    assert names(client.get(STAFF_URL, {"level": "street"})) == ["东城街道"]
    assert names(client.get(STAFF_URL, {"level": "community"})) == ["东关社区"]
    grids = features(client.get(STAFF_URL, {"level": "grid"}))
    assert [g["properties"] for g in grids] == [
        {"code": "341271001001001", "name": "东关社区第一网格", "level": "grid"}
    ]
    assert grids[0]["geometry"]["type"] == "Polygon"
    # [lon, lat], WGS-84 as stored: no shift for 天地图's tiles.
    assert grids[0]["geometry"]["coordinates"][0][0] == [115.72, 32.85]


def test_the_district_gets_every_street_and_can_narrow_to_a_root(client, district_admin):
    client.force_login(district_admin)
    assert names(client.get(STAFF_URL, {"level": "street"})) == ["东城街道", "西城街道"]
    narrowed = client.get(STAFF_URL, {"level": "grid", "root": "341271002000"})
    assert names(narrowed) == ["西关社区第一网格"]


def test_a_root_outside_the_scope_is_404_like_a_missing_one(client, street_a_staff):
    client.force_login(street_a_staff)
    other = client.get(STAFF_URL, {"level": "grid", "root": "341271002000"})
    missing = client.get(STAFF_URL, {"level": "grid", "root": "341271999000"})
    assert other.status_code == missing.status_code == 404
    assert json.loads(other.content)["detail"] == json.loads(missing.content)["detail"]
    assert "西关" not in other.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请指定层级"),
        ({"level": "planet"}, "未知的层级"),
        ({"level": "street,grid"}, "未知的层级"),
    ],
)
def test_a_bad_level_is_a_400_naming_the_field(client, street_a_staff, params, message):
    client.force_login(street_a_staff)
    response = client.get(STAFF_URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert message in body["detail"]
    assert body["errors"][0]["field"] == "level"


def test_staff_boundaries_need_a_login_and_the_regions_permission(client, district):
    response = client.get(STAFF_URL, {"level": "street"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手")
    client.force_login(rider)
    assert client.get(STAFF_URL, {"level": "street"}).status_code == 403


def test_the_public_gets_streets_and_communities_without_a_login(client, district):
    assert names(client.get(PUBLIC_URL, {"level": "street"})) == ["东城街道", "西城街道"]
    assert names(client.get(PUBLIC_URL, {"level": "community"})) == ["东关社区", "西关社区"]
    response = client.get(PUBLIC_URL, {"level": "street"})
    assert response["Cache-Control"] == "public, max-age=600"


def test_the_public_never_gets_the_grids(client, district):
    response = client.get(PUBLIC_URL, {"level": "grid"})
    assert response.status_code == 400
    assert "网格" in json.loads(response.content)["detail"]
    assert "东关社区第一网格" not in response.content.decode()


def test_an_unchanged_layer_is_a_304(client, district):
    first = client.get(PUBLIC_URL, {"level": "street"})
    again = client.get(PUBLIC_URL, {"level": "street"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    street = Region.objects.get(code="341271001000")
    street.name = "东城街道（新）"
    street.save()
    changed = client.get(PUBLIC_URL, {"level": "street"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "东城街道（新）" in changed.content.decode()


def test_staff_answers_are_cached_privately(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get(STAFF_URL, {"level": "street"})
    assert response["Cache-Control"] == "private, max-age=600"


def test_a_detailed_boundary_is_simplified_and_a_broken_one_skipped(client, district):
    # A community outline with 2,000 points along a gently wavy edge: drawn with a few dozen.
    wavy = [[115.82 + i * 0.00003, 32.85 + (0.000005 if i % 2 else 0)] for i in range(2000)]
    ring = [*wavy, [115.88, 32.95], [115.82, 32.95], wavy[0]]
    Region.objects.filter(code="341271002001").update(
        boundary={"type": "Polygon", "coordinates": [ring]}
    )
    Region.objects.filter(code="341271001001").update(boundary={"type": "Point"})
    body = client.get(PUBLIC_URL, {"level": "community"})
    found = features(body)
    assert [f["properties"]["name"] for f in found] == ["西关社区"]
    assert len(found[0]["geometry"]["coordinates"][0]) < 20
    assert len(body.content) < 2_000


def test_simplify_keeps_a_rectangle_and_drops_holes():
    square = testing.rect(32.0, 115.0, 32.1, 115.1)
    holed = {"type": "Polygon", "coordinates": [square["coordinates"][0], [[115.05, 32.05]] * 4]}
    assert geo.simplify(holed, 0.001) == square
    multi = {"type": "MultiPolygon", "coordinates": [square["coordinates"]] * 2}
    assert geo.simplify(multi, 0.001)["type"] == "MultiPolygon"
    with pytest.raises(ValueError, match="Polygon"):
        geo.simplify({"type": "LineString", "coordinates": []}, 0.001)


def test_every_demo_street_community_and_grid_has_an_outline():
    import random

    from shegong.regions.demo import region_rows

    rows = region_rows("seed", random.Random(7))
    drawn_levels = [r for r in rows if r.level in ("district", "street", "community", "grid")]
    assert drawn_levels and all(r.boundary for r in drawn_levels)
    for row in drawn_levels:
        geo.validate_polygon(row.boundary)


def test_head_is_answered_like_get_and_a_post_is_refused(client, district):
    assert client.head(PUBLIC_URL, {"level": "street"}).status_code == 200
    assert client.post(PUBLIC_URL, {"level": "street"}).status_code == 405
