"""API contract of regions: the scoped tree, one region, locate a point, create a region."""

from typing import Any, Literal

from ninja import Field, Schema

from .choices import Level
from .models import Region, join_names

Crs = Literal["wgs84", "gcj02", "bd09"]


def path_of(region: Region) -> list[Region]:
    """``region.path`` (one query), kept on the instance so two fields share it."""
    cached = region.__dict__.get("_path_cache")
    if cached is None:
        cached = region.__dict__["_path_cache"] = region.path
    return cached


class Point(Schema):
    lat: float
    lon: float


class RegionOut(Schema):
    code: str = Field(description="区划代码：12位统计用区划代码，网格15位")
    name: str
    level: str = Field(description="province / city / district / street / community / grid")
    parent_code: str | None
    centroid: Point | None = Field(description="中心点（WGS-84）")

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_centroid(obj: Region) -> dict[str, float] | None:
        if obj.centroid_lat is None or obj.centroid_lon is None:
            return None
        return {"lat": obj.centroid_lat, "lon": obj.centroid_lon}


class PathItem(Schema):
    code: str
    name: str
    level: str


class RegionDetail(RegionOut):
    level_label: str
    full_name: str = Field(description="从省到本级的全称")
    path: list[PathItem] = Field(description="从省到本级的各级区划")
    boundary: dict[str, Any] | None = Field(
        description="边界（GeoJSON Polygon/MultiPolygon，WGS-84）"
    )

    @staticmethod
    def resolve_level_label(obj: Region) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_path(obj: Region) -> list[dict[str, str]]:
        return [{"code": r.code, "name": r.name, "level": r.level} for r in path_of(obj)]

    @staticmethod
    def resolve_full_name(obj: Region) -> str:
        return join_names(r.name for r in path_of(obj))


class RegionFilter(Schema):
    level: Level | None = Field(None, description="只看某一层级，如 grid")
    parent: str | None = Field(None, description="只看某区划的直接下级（区划代码）")
    q: str | None = Field(None, max_length=50, description="名称包含，或代码以此开头")


class RegionIn(Schema):
    code: str = Field(description="区划代码；网格为社区代码后加3位")
    name: str
    level: str = Field("grid", description="层级，默认 grid（网格）")
    parent_code: str
    centroid_lat: float | None = None
    centroid_lon: float | None = None
    boundary: dict[str, Any] | None = None


class LocateQuery(Schema):
    lat: float = Field(description="纬度")
    lon: float = Field(description="经度")
    crs: Crs = Field(
        "wgs84",
        description="输入坐标系：wgs84（GPS/天地图）、gcj02（高德/腾讯/微信）、bd09（百度）",
    )


class Located(Schema):
    code: str
    name: str
    level: str
    path: list[PathItem] = Field(description="从省到该区划的各级区划")
    full_name: str
    method: str = Field(description="boundary：落在边界内；nearest：边界间隙，取最近社区中心")
    distance_m: float | None = Field(description="method=nearest 时到社区中心的距离（米）")
    point: Point = Field(description="换算为 WGS-84 后的输入点")
