"""Regions API: the caller's scoped tree, one region, locate a point, add a region (grid)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core import geo
from shegong.core.idempotency import idempotent
from shegong.core.schemas import PagePagination, problem_responses

from . import actions, queries
from .actions import RegionRow
from .models import Region, join_names
from .schemas import Located, LocateQuery, RegionDetail, RegionFilter, RegionIn, RegionOut, path_of

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
LIST_FIELDS = ("code", "name", "level", "parent_id", "centroid_lat", "centroid_lon")


@router.get(
    "",
    response={200: list[RegionOut], **ERRORS},
    summary="区划列表（本人工作范围）",
    operation_id="regions_list",
)
@paginate(PagePagination)
def list_regions(request: HttpRequest, filters: Query[RegionFilter]) -> Any:
    """本人工作范围内的区划（平铺、按代码排序），可按层级、上级、名称或代码前缀筛选。"""
    regions = Region.objects.visible_to(request.auth).only(*LIST_FIELDS).order_by("code")
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.q:
        regions = regions.filter(Q(name__contains=filters.q) | Q(code__startswith=filters.q))
    return regions


@router.get(
    "/locate",
    response={200: Located, **ERRORS},
    summary="坐标定位到网格/社区",
    operation_id="regions_locate",
)
def locate(request: HttpRequest, point: Query[LocateQuery]) -> Any:
    """把一个坐标（wgs84 / gcj02 / bd09）定位到所在网格或社区。

    不在任何边界内返回 422「不在服务范围内」。
    """
    found = queries.locate(point.lat, point.lon, point.crs)
    lat, lon = geo.to_wgs84(point.lat, point.lon, point.crs)
    path = path_of(found.region)
    return Located(
        code=found.region.code,
        name=found.region.name,
        level=found.region.level,
        path=[{"code": r.code, "name": r.name, "level": r.level} for r in path],
        full_name=join_names(r.name for r in path),
        method=found.method,
        distance_m=found.distance_m,
        point={"lat": lat, "lon": lon},
    )


@router.get(
    "/{code}",
    response={200: RegionDetail, **ERRORS},
    summary="区划详情",
    operation_id="regions_detail",
)
def region_detail(request: HttpRequest, code: str) -> Any:
    """一个区划的详情（含边界和上级路径）；工作范围以外的与不存在的一样返回 404。"""
    return queries.access_region(request.auth, code)


@router.post(
    "",
    response={201: RegionDetail, **ERRORS},
    summary="新增区划（通常为网格）",
    operation_id="regions_create",
)
@idempotent
def create_region(request: HttpRequest, payload: RegionIn) -> Any:
    """在本人工作范围内的上级区划下新增一个区划（区管理员）。支持 Idempotency-Key。"""
    row = RegionRow(
        code=payload.code.strip(),
        name=payload.name,
        level=payload.level,
        parent_code=payload.parent_code.strip(),
        centroid_lat=payload.centroid_lat,
        centroid_lon=payload.centroid_lon,
        boundary=payload.boundary,
    )
    return Status(201, actions.create_region(row, actor=request.auth))
