"""Region pages: the scoped tree, search, breadcrumb, add a child, locate a point."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.regions.models import Region


def page(client, user, url, params=None, status=200):
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == status
    return response.content.decode()


def test_a_street_sees_its_tree_with_grid_counts(client, street_a_staff):
    html = page(client, street_a_staff, reverse("regions:list"))
    assert "东城街道" in html and "东关社区" in html
    assert '<td class="text-end">1</td>' in html  # 东关社区 has one grid
    assert "西城街道" not in html and "西关社区" not in html


def test_a_district_admin_starts_at_the_district(client, district_admin, district):
    testing.region("341271002001002", "西关社区第二网格", "grid", district["community_b"])
    html = page(client, district_admin, reverse("regions:list"))
    rows = html[html.index("<tbody>") :]
    assert "东城街道" in rows and "西城街道" in rows
    assert rows.index("西城街道") < rows.index('<td class="text-end">2</td>')


def test_a_superuser_starts_at_the_top(client, superuser, district):
    assert "安徽省" in page(client, superuser, reverse("regions:list"))


def test_the_tree_costs_the_same_queries_however_many_children(client, district_admin, district):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("regions:detail", args=[district["street_a"].code]))
        return len(ctx.captured_queries)

    client.force_login(district_admin)
    count()
    few = count()
    for i in range(2, 12):
        community = testing.region(
            f"341271001{i:03d}", f"新社区{i}", "community", district["street_a"]
        )
        testing.region(f"{community.code}001", f"新网格{i}", "grid", community)
    assert count() == few


def test_the_breadcrumb_links_only_inside_the_scope(client, community_a_worker, district):
    html = page(
        client, community_a_worker, reverse("regions:detail", args=[district["grid_a"].code])
    )
    assert "东城街道" in html  # shown as context …
    assert reverse("regions:detail", args=[district["street_a"].code]) not in html  # … no link
    assert reverse("regions:detail", args=[district["community_a"].code]) in html


def test_an_outsider_gets_404_the_same_as_missing(client, street_b_staff, district):
    page(
        client,
        street_b_staff,
        reverse("regions:detail", args=[district["grid_a"].code]),
        status=404,
    )
    page(client, street_b_staff, reverse("regions:detail", args=["341271009000"]), status=404)


def test_search_stays_inside_the_scope(client, street_b_staff, district_admin, district):
    found = page(client, district_admin, reverse("regions:list"), {"q": "关社区"})
    assert "东关社区" in found and "西关社区" in found
    found = page(client, street_b_staff, reverse("regions:list"), {"q": "关社区"})
    assert "西关社区" in found and "东关社区" not in found
    by_code = page(client, street_b_staff, reverse("regions:list"), {"q": "341271001"})
    assert "没有符合条件的区划" in by_code


def test_the_level_filter(client, district_admin):
    html = page(client, district_admin, reverse("regions:list"), {"level": "grid"})
    assert "东关社区第一网格" in html and "西关社区第一网格" in html
    assert "<td>社区/村</td>" not in html
    assert "未知的层级" in page(client, district_admin, reverse("regions:list"), {"level": "x"})


def test_roles_without_regions_view_are_refused(client, resident):
    page(client, resident, reverse("regions:list"), status=403)


# --- add a child ---------------------------------------------------------------------------


def post_child(client, user, parent, **fields):
    client.force_login(user)
    data = {"code": "341271001001002", "name": "东关社区第二网格", "level": "grid", **fields}
    return client.post(reverse("regions:create_child", args=[parent.code]), data)


def test_a_manager_adds_a_grid(client, district_admin, district):
    response = post_child(client, district_admin, district["community_a"])
    assert response.status_code == 302
    grid = Region.objects.get(code="341271001001002")
    assert grid.parent_id == district["community_a"].code
    assert AuditEvent.objects.filter(verb=Verb.REGION_CREATED, target_id=grid.code).exists()


def test_only_managers_see_the_form(client, district_admin, street_a_staff, district):
    url = reverse("regions:detail", args=[district["community_a"].code])
    assert "新增下级" in page(client, district_admin, url)
    assert "新增下级" not in page(client, street_a_staff, url)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"code": "34127100100100"}, "网格的代码应为15位数字"),
        ({"code": "341271002001009"}, "不在上级 341271001001 的代码范围内"),
        ({"code": "341271001001001"}, "代码已存在"),
        ({"name": ""}, "请填写名称"),
        ({"level": "street", "code": "341271003000"}, "其下级应为网格"),
        ({"centroid_lat": "北纬"}, "纬度应为数字"),
    ],
)
def test_a_bad_child_gets_a_field_message_and_nothing_is_written(
    client, district_admin, district, fields, message
):
    before = Region.objects.count()
    response = post_child(client, district_admin, district["community_a"], **fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Region.objects.count() == before


def test_a_manager_outside_the_parent_gets_404_and_nothing_is_written(client, district):
    admin_of_b = testing.user(Role.DISTRICT_ADMIN, district["street_b"], name="西城管理员")
    response = post_child(client, admin_of_b, district["community_a"])
    assert response.status_code == 404
    assert not Region.objects.filter(code="341271001001002").exists()


def test_a_non_manager_is_told_and_nothing_is_written(client, street_a_staff, district):
    response = post_child(client, street_a_staff, district["community_a"])
    assert response.status_code == 403
    assert "您当前的角色不能维护区划" in response.content.decode()
    assert not Region.objects.filter(code="341271001001002").exists()


# --- locate --------------------------------------------------------------------------------


def test_locate_finds_the_grid(client, street_a_staff):
    html = page(
        client,
        street_a_staff,
        reverse("regions:list"),
        {"lat": "32.87", "lon": "115.75", "crs": "wgs84"},
    )
    assert "该点位于" in html and "东关社区第一网格" in html
    assert "341271001001001" in html


def test_locate_outside_the_deployment(client, street_a_staff):
    html = page(
        client,
        street_a_staff,
        reverse("regions:list"),
        {"lat": "39.9", "lon": "116.4", "crs": "wgs84"},
    )
    assert "不在服务范围内" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lat": "abc", "lon": "115.75", "crs": "wgs84"}, "纬度应为数字"),
        ({"lat": "32.87", "lon": "", "crs": "wgs84"}, "请填写经度"),
        ({"lat": "32.87", "lon": "115.75", "crs": "utm"}, "坐标系应为 wgs84、gcj02 或 bd09"),
        ({"lat": "95", "lon": "115.75", "crs": "wgs84"}, "纬度应在 -90 到 90 之间"),
    ],
)
def test_locate_names_the_bad_field(client, street_a_staff, params, message):
    assert message in page(client, street_a_staff, reverse("regions:list"), params)
