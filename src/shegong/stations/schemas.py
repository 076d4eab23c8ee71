"""The contract of the stations API: the public one (nearest station, station detail) and the
worker's own (my profile and visits, check-in)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import BaseModel, Field


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


class PlainOut(BaseModel):
    """An output built from plain dicts: validated by pydantic alone. (A ninja ``Schema`` wraps
    every value in a getter for model attributes, which costs more than the nearest-station
    query itself for a list of 10 stations.)"""


class FacilityOut(PlainOut):
    code: str
    name: str


class HoursOut(PlainOut):
    day: str
    hours: str


class StationOut(PlainOut):
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


# --- the worker's own API (/me, /checkin): login required, only the caller's own rows ----------


class CheckinIn(Schema):
    token: str = Field(
        min_length=1, max_length=500,
        description="签到二维码的令牌：海报网址 …/m/checkin/<token>/ 的最后一段，或整个网址",
    )  # fmt: skip
    services: list[str] = Field(
        [], max_length=30, description="本次使用的服务设施编码（须为本驿站具备的），可为空"
    )


class VisitOut(Schema):
    id: int
    station_id: int
    station_name: str
    at: datetime = Field(description="签到时间（带时区）")
    services: list[str] = Field(description="使用的服务设施编码")
    source: str = Field(description="qr（扫码）或 staff（工作人员登记）")


class WorkerProfileOut(Schema):
    """The caller's own profile, masked as on every page (姓名、手机号、身份证号)."""

    id: int
    name: str = Field(description="姓名（脱敏）")
    phone: str = Field(description="手机号（脱敏）")
    id_number: str = Field(description="身份证号（脱敏）")
    kind: str
    kind_label: str
    platform: str | None = Field(None, description="所属平台企业")
    delivery_site: str
    party_member: bool
    region: str = Field(description="服务区域代码")
    region_name: str
    registered_at: datetime


class BenefitOut(Schema):
    campaign: str
    benefit: str
    station_name: str
    given_at: datetime


class CoverOut(Schema):
    batch: str
    insurer: str
    policy_number: str
    starts_on: date
    ends_on: date
    active: bool = Field(description="今天是否在保障期内")


class WorkerMeOut(Schema):
    profile: WorkerProfileOut
    visits_this_month: int = Field(description="本月（北京时间）签到次数")
    visits: list[VisitOut] = Field(description="最近 20 次签到，新的在前")
    benefits: list[BenefitOut] = Field(description="领取的关爱物资，新的在前")
    insurance: list[CoverOut] = Field(description="参保记录，保障结束晚的在前")
