"""Small explicit builders for tests and benchmarks (STYLE.md rule 21)."""

from __future__ import annotations

from typing import Any

from shegong.accounts.models import Department, Membership, User
from shegong.accounts.roles import Role
from shegong.regions.models import Region

PASSWORD = "Shegong#2026"


def rect(lat0: float, lon0: float, lat1: float, lon1: float) -> dict[str, Any]:
    """A GeoJSON rectangle (coordinates are [lon, lat])."""
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


def region(code: str, name: str, level: str, parent: Region | None = None, box=None) -> Region:
    boundary = rect(*box) if box else None
    centroid = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (None, None)
    return Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        boundary=boundary,
        centroid_lat=centroid[0],
        centroid_lon=centroid[1],
    )


def build_district() -> dict[str, Region]:
    """示范区 with two streets, one community and one grid each, as rectangles near 32.9N 115.8E.

    Street A (东城街道) is the western half, street B (西城街道) the eastern half.
    """
    province = region("340000000000", "安徽省", "province")
    city = region("341200000000", "阜阳市", "city", province)
    district = region("341271000000", "示范区", "district", city, (32.80, 115.70, 33.00, 115.90))
    street_a = region(
        "341271001000", "东城街道", "street", district, (32.80, 115.70, 33.00, 115.80)
    )
    street_b = region(
        "341271002000", "西城街道", "street", district, (32.80, 115.80, 33.00, 115.90)
    )
    community_a = region(
        "341271001001", "东关社区", "community", street_a, (32.85, 115.72, 32.95, 115.78)
    )
    community_b = region(
        "341271002001", "西关社区", "community", street_b, (32.85, 115.82, 32.95, 115.88)
    )
    grid_a = region(
        "341271001001001", "东关社区第一网格", "grid", community_a, (32.85, 115.72, 32.90, 115.78)
    )
    grid_b = region(
        "341271002001001", "西关社区第一网格", "grid", community_b, (32.85, 115.82, 32.90, 115.88)
    )
    return {
        "province": province,
        "city": city,
        "district": district,
        "street_a": street_a,
        "street_b": street_b,
        "community_a": community_a,
        "community_b": community_b,
        "grid_a": grid_a,
        "grid_b": grid_b,
    }


_phone_counter = iter(range(13800000001, 13899999999))


def user(
    role: Role | str,
    region: Region,
    *,
    name: str = "测试用户",
    phone: str | None = None,
    department: Department | None = None,
    must_change_password: bool = False,
    **extra: Any,
) -> User:
    """An account holding one role in one region, with the shared test password."""
    account = User.objects.create_user(
        phone=phone or str(next(_phone_counter)),
        password=PASSWORD,
        name=name,
        must_change_password=must_change_password,
        **extra,
    )
    Membership.objects.create(user=account, role=role, region=region, department=department)
    return account


def report_category(code: str = "road-damage", name: str = "道路破损", **fields: Any) -> Any:
    """A 随手拍 category with the default clock (respond in 24 h, resolve in 5 working days)."""
    from shegong.reports.models import Category

    fields.setdefault("group", "公共设施")
    return Category.objects.create(service_code=code, name=name, **fields)


def routing_rule(category: Any, region: Region, department: Department) -> Any:
    from shegong.reports.models import RoutingRule

    return RoutingRule.objects.create(category=category, region=region, department=department)


# A point inside grid_a (street A) and one inside grid_b (street B) of build_district().
POINT_A = (32.87, 115.75)
POINT_B = (32.87, 115.85)
