"""The API contract of /api/v1/activities: the scoped list and detail, the public list, sign-up,
the team's roster, check-in and check-out."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ActivityFilter(Schema):
    team: int | None = Field(None, description="队伍 ID")
    status: str | None = Field(None, description="状态：draft/pending/published/rejected/cancelled")
    category: str | None = Field(None, description="服务类别编码")
    date_from: date | None = Field(None, description="结束日期不早于")
    date_to: date | None = Field(None, description="开始日期不晚于")


class PublicFilter(Schema):
    category: str | None = Field(None, description="服务类别编码")
    # Text on purpose: checked by the query itself, with Chinese messages (填反了, 不在境内).
    lat: str | None = Field(None, description="纬度：给出位置时按距离由近到远排序")
    lon: str | None = Field(None, description="经度")
    crs: str = Field("wgs84", description="坐标系：wgs84 / gcj02 / bd09")


class ShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    quota: int
    confirmed: int
    waitlisted: int
    places_left: int


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    category_label: str
    status: str
    status_label: str
    team_id: int
    team: str
    region: str = Field(description="区划代码")
    region_name: str
    address: str
    lat: float = Field(description="纬度（WGS-84）")
    lon: float = Field(description="经度（WGS-84）")
    radius_m: int
    starts_at: datetime
    ends_at: datetime
    risky: bool
    people_served: int


class ActivityDetail(ActivityOut):
    description: str
    insurance_note: str
    required_skills: list[str]
    review_note: str
    cancelled_reason: str
    shifts: list[ShiftOut]


class PublicActivityOut(Schema):
    """A published activity as anyone sees it: no person."""

    id: int
    title: str
    category: str
    category_label: str
    team: str
    region: str = Field(description="区划名称")
    address: str
    lat: float
    lon: float
    starts_at: datetime
    ends_at: datetime
    quota: int
    places_left: int
    risky: bool
    distance_m: int | None = Field(None, description="到查询点的距离（米）")


class SignupIn(Schema):
    shift_id: int | None = Field(None, description="班次 ID；活动只有一个班次时可省略")


class TeamSignupIn(Schema):
    # Optional in the schema so that another team's activity is a 404 whatever the body.
    number: str = Field("", description="志愿者编号（必填）")
    shift_id: int | None = Field(None, description="班次 ID；活动只有一个班次时可省略")


class TeamCancelIn(Schema):
    reason: str = Field("", description="取消原因（必填，将通知志愿者）")


class RosterOut(Schema):
    """One sign-up of the roster as the team sees it: masked name, number, attendance."""

    id: int
    shift_id: int
    volunteer_number: str
    name: str = Field(description="姓名（脱敏）")
    status: str = Field(description="confirmed 已报名 / waitlisted 候补")
    status_label: str
    position: int | None = Field(None, description="候补位次（从 1 起）")
    created_at: datetime
    check_in_at: datetime | None
    check_out_at: datetime | None
    hours: Decimal | None
    record_status: str | None = Field(None, description="服务记录状态；未签到为空")
    auto_closed: bool


class SignupOut(Schema):
    id: int
    activity_id: int
    shift_id: int
    status: str = Field(description="confirmed 已报名 / waitlisted 候补 / cancelled 已取消")
    status_label: str
    position: int | None = Field(None, description="候补位次（从 1 起）")
    created_at: datetime
    promoted_at: datetime | None
    shift_starts_at: datetime
    shift_ends_at: datetime
    title: str


class AttendanceCheckinIn(Schema):
    token: str = Field(description="签到二维码中的令牌，或扫到的整个网址")
    lat: str | None = Field(
        None, description="纬度（浏览器定位为 WGS-84）；仅在本人已单独同意使用签到位置时提交"
    )
    lon: str | None = Field(None, description="经度")
    accuracy: float | None = Field(None, description="定位精度（米）")
    crs: str = Field("wgs84", description="坐标系：wgs84 / gcj02 / bd09")


class CheckoutIn(Schema):
    token: str | None = Field(None, description="签到二维码令牌（与 record_id 二选一）")
    record_id: int | None = Field(None, description="签到记录 ID（与 token 二选一）")
    lat: str | None = None
    lon: str | None = None
    accuracy: float | None = None
    crs: str = "wgs84"


class AttendanceOut(Schema):
    id: int
    activity_id: int | None
    shift_id: int | None
    status: str = Field(description="open 服务中 / pending 待审核 / approved / declined")
    check_in_at: datetime | None
    check_out_at: datetime | None
    check_in_distance_m: int | None
    check_out_distance_m: int | None
    hours: Decimal
    auto_closed: bool
    repeated: bool = Field(description="重复签到/签退：返回的是已有的记录")
