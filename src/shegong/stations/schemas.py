"""The contract of the public stations API (nearest station, station detail)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class NearestQuery(Schema):
    # Text on purpose: the query checks them itself and answers in Chinese (填反了, 不在境内).
    lat: str | None = Field(None, description="纬度")
    lon: str | None = Field(None, description="经度")
    crs: str = Field(
        "wgs84", description="坐标系：wgs84（GPS、天地图）/ gcj02（高德、腾讯、微信）/ bd09（百度）"
    )
    radius: int = Field(5000, description="搜索半径（米），1–50000")
    facility: list[str] = Field([], description="服务设施编码，可重复或用逗号分隔；须全部具备")
    open_now: bool = Field(False, description="只看现在开放的（按开放时间，北京时间）")
    limit: int = Field(10, description="返回数量，1–50")


class FacilityOut(Schema):
    code: str
    name: str


class HoursOut(Schema):
    day: str
    hours: str


class StationOut(Schema):
    """A station as the public sees it: nothing personal (the station's phone is public)."""

    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    lat: float = Field(description="纬度（WGS-84）")
    lon: float = Field(description="经度（WGS-84）")
    crs: str = Field(description="lat_crs/lon_crs 的坐标系（请求时的 crs）")
    lat_crs: float
    lon_crs: float
    distance_m: float | None = Field(None, description="到查询点的距离（米）")
    facilities: list[FacilityOut]
    open_now: bool
    today: str = Field(description="今日开放时间")
    schedule: list[HoursOut]
    seats: int | None
    phone: str = Field(description="驿站联系电话")
    status: str
    status_label: str
