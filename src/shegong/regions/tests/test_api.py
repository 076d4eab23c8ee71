"""The regions API: scoped list and detail, locate in three coordinate systems, create a grid."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shegong.core.geo import from_wgs84
from shegong.regions.models import Region

# Inside 东关社区第一网格 (grid_a), 0.0005° west of its eastern edge: a GCJ-02 or BD-09 reading
# of this point taken raw would land east of the grid, outside community A.
GRID_A_POINT = (32.87, 115.7795)


def get_json(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.json()


def test_the_list_shows_only_the_callers_subtree(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response, body = get_json(client, "/api/v1/regions")
    assert response.status_code == 200
    codes = [item["code"] for item in body["items"]]
    assert codes == ["341271001000", "341271001001", "341271001001001"]
    assert body["count"] == 3
    assert body["page"] == 1
    assert body["page_size"] == 20
    first = body["items"][0]
    assert first == {
        "code": "341271001000",
        "name": "东城街道",
        "level": "street",
        "parent_code": "341271000000",
        "centroid": {"lat": 32.9, "lon": 115.75},
    }


def test_the_outsider_never_sees_street_a_regions(client, street_b_staff, district):
    client.force_login(street_b_staff)
    _, body = get_json(client, "/api/v1/regions", data={"page_size": 200})
    codes = {item["code"] for item in body["items"]}
    assert codes == {"341271002000", "341271002001", "341271002001001"}
    _, body = get_json(client, "/api/v1/regions", data={"q": "东关"})
    assert body["items"] == []
    assert body["count"] == 0


def test_the_list_filters_by_level_parent_and_query(client, district_admin, district):
    client.force_login(district_admin)
    _, body = get_json(client, "/api/v1/regions", data={"level": "grid"})
    assert [i["code"] for i in body["items"]] == ["341271001001001", "341271002001001"]
    _, body = get_json(client, "/api/v1/regions", data={"parent": "341271000000"})
    assert [i["name"] for i in body["items"]] == ["东城街道", "西城街道"]
    _, body = get_json(client, "/api/v1/regions", data={"q": "西关"})
    assert [i["code"] for i in body["items"]] == ["341271002001", "341271002001001"]
    _, body = get_json(client, "/api/v1/regions", data={"q": "341271001"})
    assert body["count"] == 3


def test_the_list_refuses_an_unknown_level(client, district_admin, district):
    client.force_login(district_admin)
    response, body = get_json(client, "/api/v1/regions", data={"level": "village"})
    assert response.status_code == 422
    assert body["errors"][0]["field"] == "level"
    assert body["errors"][0]["message"].startswith("应为以下之一：'province'")


def test_the_list_paginates(client, district_admin, district):
    client.force_login(district_admin)
    _, body = get_json(client, "/api/v1/regions", data={"page": 2, "page_size": 3})
    assert body["count"] == 7
    assert body["page"] == 2
    assert [i["code"] for i in body["items"]] == [
        "341271001001001",
        "341271002000",
        "341271002001",
    ]


def test_it_refuses_a_page_size_over_200(client, district_admin, district):
    client.force_login(district_admin)
    response, body = get_json(client, "/api/v1/regions", data={"page_size": 201})
    assert response.status_code == 422
    assert body["errors"] == [{"field": "page_size", "message": "不能大于 200"}]


def _add_grids(community: Region, count: int) -> None:
    Region.objects.bulk_create(
        Region(
            code=f"{community.code}{n:03d}",
            name=f"测试网格{n}",
            level="grid",
            parent=community,
            centroid_lat=32.9,
            centroid_lon=115.75,
        )
        for n in range(100, 100 + count)
    )


@pytest.mark.parametrize("path", ["/api/v1/regions?page_size=200", "/api/v1/tokens"])
def test_list_query_count_is_constant_in_the_number_of_rows(client, street_a_staff, district, path):
    client.force_login(street_a_staff)
    counts = []
    for rows in (5, 50):
        Region.objects.filter(level="grid", code__gt="341271001001001").delete()
        _add_grids(district["community_a"], rows)
        from shegong.accounts import actions

        for n in range(rows - street_a_staff.api_tokens.count()):
            actions.create_token(street_a_staff, actor=street_a_staff, name=f"令牌{n}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert response.json()["count"] >= rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8


def test_detail_shows_the_region_with_its_path_and_boundary(client, community_a_worker, district):
    client.force_login(community_a_worker)
    response, body = get_json(client, "/api/v1/regions/341271001001001")
    assert response.status_code == 200
    assert body["name"] == "东关社区第一网格"
    assert body["level_label"] == "网格"
    assert body["full_name"] == "安徽省阜阳市示范区东城街道东关社区第一网格"
    assert [p["code"] for p in body["path"]][-2:] == ["341271001001", "341271001001001"]
    assert body["boundary"]["type"] == "Polygon"


def test_the_outsider_gets_404_for_a_street_a_region(client, street_b_staff, district):
    client.force_login(street_b_staff)
    outside = client.get("/api/v1/regions/341271001001")
    missing = client.get("/api/v1/regions/341271009999")
    assert outside.status_code == missing.status_code == 404
    assert outside["Content-Type"] == "application/problem+json"
    assert outside.json() == missing.json()
    assert outside.json()["detail"] == "未找到该区划，或不在您的工作范围内"


def test_a_community_worker_cannot_see_the_street_above(client, community_a_worker, district):
    client.force_login(community_a_worker)
    assert client.get("/api/v1/regions/341271001000").status_code == 404


# --- locate -------------------------------------------------------------------------------------


def test_locate_finds_the_grid_of_a_wgs84_point(client, resident, district):
    client.force_login(resident)
    response, body = get_json(
        client, "/api/v1/regions/locate", data={"lat": GRID_A_POINT[0], "lon": GRID_A_POINT[1]}
    )
    assert response.status_code == 200
    assert body["code"] == "341271001001001"
    assert body["level"] == "grid"
    assert body["method"] == "boundary"
    assert body["distance_m"] is None
    assert body["full_name"].endswith("东城街道东关社区第一网格")
    assert [p["level"] for p in body["path"]] == [
        "province",
        "city",
        "district",
        "street",
        "community",
        "grid",
    ]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_locate_converts_gcj02_and_bd09_input(client, resident, district, crs):
    client.force_login(resident)
    lat, lon = from_wgs84(*GRID_A_POINT, crs)
    # Taken raw, the shifted reading would be east of community A altogether.
    assert lon > 115.78
    response, body = get_json(
        client, "/api/v1/regions/locate", data={"lat": lat, "lon": lon, "crs": crs}
    )
    assert response.status_code == 200, body
    assert body["code"] == "341271001001001"
    assert body["method"] == "boundary"
    assert body["point"]["lat"] == pytest.approx(GRID_A_POINT[0], abs=1e-6)
    assert body["point"]["lon"] == pytest.approx(GRID_A_POINT[1], abs=1e-6)


def test_locate_falls_back_to_the_nearest_community_between_polygons(client, resident, district):
    client.force_login(resident)
    _, body = get_json(client, "/api/v1/regions/locate", data={"lat": 32.81, "lon": 115.71})
    assert body["code"] == "341271001001"
    assert body["method"] == "nearest"
    assert body["distance_m"] > 1000


def test_locate_refuses_a_point_outside_the_district(client, resident, district):
    client.force_login(resident)
    response, body = get_json(client, "/api/v1/regions/locate", data={"lat": 39.9, "lon": 116.4})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert body["detail"] == "不在服务范围内"
    assert {e["field"] for e in body["errors"]} == {"lat", "lon"}


def test_locate_names_a_latitude_that_is_not_a_number(client, resident, district):
    client.force_login(resident)
    response, body = get_json(client, "/api/v1/regions/locate", data={"lat": "abc", "lon": 115})
    assert response.status_code == 422
    assert body["errors"] == [{"field": "lat", "message": "应为数字"}]
    assert body["type"] == "/api/v1/problems/validation-error"
    assert "lat" in body["detail"]


def test_locate_refuses_a_latitude_out_of_range(client, resident, district):
    client.force_login(resident)
    response, body = get_json(client, "/api/v1/regions/locate", data={"lat": 95, "lon": 115})
    assert response.status_code == 422
    assert body["errors"] == [{"field": "lat", "message": "纬度应在 -90 到 90 之间"}]


def test_locate_refuses_an_unknown_crs(client, resident, district):
    client.force_login(resident)
    response, body = get_json(
        client, "/api/v1/regions/locate", data={"lat": 32.9, "lon": 115.7, "crs": "utm"}
    )
    assert response.status_code == 422
    assert body["errors"][0]["field"] == "crs"
    assert body["errors"][0]["message"].startswith("应为以下之一")


def test_locate_requires_lat_and_lon(client, resident, district):
    client.force_login(resident)
    response, body = get_json(client, "/api/v1/regions/locate")
    assert response.status_code == 422
    assert body["errors"] == [
        {"field": "lat", "message": "此项为必填项"},
        {"field": "lon", "message": "此项为必填项"},
    ]


# --- create -------------------------------------------------------------------------------------

NEW_GRID = {
    "code": "341271001001002",
    "name": "东关社区第二网格",
    "level": "grid",
    "parent_code": "341271001001",
    "boundary": {
        "type": "Polygon",
        "coordinates": [
            [[115.72, 32.90], [115.78, 32.90], [115.78, 32.95], [115.72, 32.95], [115.72, 32.90]]
        ],
    },
}


def post_json(client, url, data, **kwargs):
    return client.post(url, data=data, content_type="application/json", **kwargs)


def test_a_district_admin_creates_a_grid(client, district_admin, district):
    client.force_login(district_admin)
    response = post_json(client, "/api/v1/regions", NEW_GRID)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "341271001001002"
    assert body["parent_code"] == "341271001001"
    assert body["centroid"] == {"lat": pytest.approx(32.925), "lon": pytest.approx(115.75)}
    region = Region.objects.get(code="341271001001002")
    assert region.name == "东关社区第二网格"
    from shegong.core.models import AuditEvent

    event = AuditEvent.objects.get(target_id="341271001001002")
    assert event.actor == district_admin


def test_street_staff_may_not_create_regions(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response = post_json(client, "/api/v1/regions", NEW_GRID)
    assert response.status_code == 403
    assert response.json()["detail"] == "您当前的角色不能维护区划"
    assert not Region.objects.filter(code="341271001001002").exists()


def test_create_names_each_wrong_field(client, district_admin, district):
    client.force_login(district_admin)
    response = post_json(client, "/api/v1/regions", {**NEW_GRID, "code": "3412710010010"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "code", "message": "网格的代码应为15位数字：3412710010010"}
    ]
    response = post_json(client, "/api/v1/regions", {**NEW_GRID, "centroid_lat": "北纬"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "centroid_lat", "message": "应为数字"}]
    response = post_json(client, "/api/v1/regions", {"name": "缺代码"})
    assert {e["field"] for e in response.json()["errors"]} == {"code", "parent_code"}
