"""The API contract of matching (/api/v1/matching/): the two lists (also the shape the Excel
import checks) and the orders."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from shegong.matching.choices import Channel, OrderStatus, Urgency


class NeedFilter(Schema):
    community: str | None = Field(None, max_length=20, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    status: str | None = Field(None, max_length=10, description="状态：open/served/closed")
    urgency: str | None = Field(None, max_length=10, description="紧急程度：normal/urgent/critical")
    q: str | None = Field(None, max_length=50, description="搜索需求描述、备注")


class NeedIn(Schema):
    region: str = Field(max_length=20, description="社区区划代码")
    category: int = Field(description="类别编号")
    item: int | None = Field(None, description="服务项目编号")
    beneficiary: int | None = Field(None, description="服务对象（台账人员编号）")
    people_count: int = Field(1, ge=1, le=100_000, description="涉及人数")
    description: str = Field(max_length=200, description="需求描述")
    frequency: str = Field("once", max_length=10, description="频次：once/daily/weekly/monthly")
    urgency: str = Field("normal", max_length=10, description="紧急程度")
    sensitive: bool = Field(False, description="服务对象敏感")
    note: str = Field("", max_length=200, description="备注")


class NeedOut(Schema):
    id: int
    region_id: str
    category_id: int
    category_name: str = Field(alias="category.name")
    item_id: int | None
    people_count: int
    description: str
    frequency: str
    urgency: str
    sensitive: bool
    status: str
    note: str
    created_at: datetime


class OfferFilter(Schema):
    community: str | None = Field(None, max_length=20, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    provider_kind: str | None = Field(None, max_length=16, description="提供方类型")
    status: str | None = Field(None, max_length=10, description="状态：new/approved/paused/blocked")
    cost: str | None = Field(None, max_length=8, description="收费：free/low")
    risky: str | None = Field(None, pattern="^(yes|no)$", description="可承接风险服务：yes/no")
    q: str | None = Field(None, max_length=50, description="搜索服务名称、提供方")


class OfferIn(Schema):
    region: str = Field(max_length=20, description="服务社区区划代码")
    category: int = Field(description="类别编号")
    title: str = Field(max_length=60, description="服务名称")
    description: str = Field("", max_length=300, description="服务内容")
    provider_kind: str = Field(max_length=16, description="提供方类型")
    provider_name: str = Field("", max_length=100, description="提供方（选志愿者/队伍时可空）")
    volunteer: int | None = Field(None, description="志愿者编号（提供方为志愿者时）")
    team: int | None = Field(None, description="志愿服务队编号（提供方为队伍时）")
    organization: int | None = Field(None, description="台账单位编号")
    helper: int | None = Field(None, description="接单账号（用户编号）")
    contact_phone: str = Field("", max_length=20)
    gives: str = Field("", max_length=200, description="提供的资源/服务")
    gets_back: str = Field("", max_length=200, description="希望换取（资源置换）")
    capacity_per_week: int = Field(5, description="每周可服务次数（≥1）")
    availability: dict[str, list[str]] = Field(
        default_factory=dict, description='可服务时段，如 {"1": ["am", "pm"]}（周一=1）'
    )
    lat: float | None = Field(None, description="服务中心纬度（WGS-84）")
    lon: float | None = Field(None, description="服务中心经度（WGS-84）")
    radius_m: int = Field(3000, description="服务半径（米）")
    cost: str = Field("free", max_length=8, description="收费：free/low")
    price_note: str = Field("", max_length=100)
    skills: list[int] = Field(default_factory=list, description="技能编号")
    risky_ok: bool = Field(False, description="可承接有风险的服务（须登记保险）")
    insurance_note: str = Field("", max_length=200)
    insured_until: date | None = None


class OfferOut(Schema):
    id: int
    region_id: str
    category_id: int
    category_name: str = Field(alias="category.name")
    title: str
    description: str
    provider_kind: str
    provider_name: str
    helper_id: int | None
    capacity_per_week: int
    availability: dict[str, list[str]]
    radius_m: int
    cost: str
    risky_ok: bool
    insured_until: date | None
    status: str
    status_reason: str
    created_at: datetime


class OfferReviewIn(Schema):
    status: str = Field(max_length=10, description="目标状态：approved/paused/blocked")
    reason: str = Field("", max_length=200, description="原因（暂停、停用须填）")


# --- orders -----------------------------------------------------------------------------------


class OrderFilter(Schema):
    status: OrderStatus | None = Field(None, description="状态：review/waiting/dispatched/…")
    category: int | None = Field(None, description="类别编号")
    community: str | None = Field(None, max_length=15, description="社区区划代码")
    channel: Channel | None = Field(None, description="来源：resident/staff/report")
    urgency: Urgency | None = Field(None, description="紧急程度")
    date_from: date | None = Field(None, description="点单日期起（含）")
    date_to: date | None = Field(None, description="点单日期止（含）")


class OrderAssignmentOut(Schema):
    id: int
    offer_id: int
    provider_name: str
    mode: str
    mode_label: str
    outcome: str
    outcome_label: str
    score: float | None
    reason: str
    deadline: datetime | None
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_provider_name(obj: Any) -> str:
        return obj.offer.provider_name

    @staticmethod
    def resolve_mode_label(obj: Any) -> str:
        return obj.get_mode_display()

    @staticmethod
    def resolve_outcome_label(obj: Any) -> str:
        return obj.get_outcome_display()


class OrderOut(Schema):
    """An order as the API shows it: personal data masked, always."""

    id: int
    number: str
    region_code: str
    region_name: str
    category_id: int
    category_name: str
    item_name: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    description: str
    urgency: str
    sensitive: bool
    risky: bool
    beneficiary_name: str = Field(description="服务对象姓名（脱敏）")
    address: str = Field(description="服务地址（脱敏）")
    contact_phone: str = Field(description="联系电话（脱敏）")
    window_start: datetime
    window_end: datetime
    offer_id: int | None
    provider_name: str
    accept_deadline: datetime | None
    unmet_reason: str
    refused_reason: str
    cancelled_reason: str
    source_report_id: int | None
    hours: float
    stars: int | None
    comment: str
    created_at: datetime
    accepted_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Any) -> str:
        return obj.region.name

    @staticmethod
    def resolve_category_name(obj: Any) -> str:
        return obj.category.name

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return obj.item.name if obj.item_id else ""

    @staticmethod
    def resolve_channel_label(obj: Any) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_beneficiary_name(obj: Any) -> str:
        return obj.beneficiary.name_masked if obj.beneficiary_id else ""

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return obj.address_masked

    @staticmethod
    def resolve_contact_phone(obj: Any) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_provider_name(obj: Any) -> str:
        return obj.offer.provider_name if obj.offer_id else ""


class OrderDetailOut(OrderOut):
    assignments: list[OrderAssignmentOut]

    @staticmethod
    def resolve_assignments(obj: Any) -> Any:
        return obj.assignments.select_related("offer").order_by("created_at", "id")


class OrderPlaceIn(Schema):
    region: str = Field(max_length=15, description="社区区划代码")
    category: int = Field(description="类别编号")
    item: int | None = Field(None, description="服务项目编号")
    description: str = Field(max_length=300, description="需求描述（一句话）")
    window_start: datetime
    window_end: datetime
    address: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=20)
    lat: float | None = None
    lon: float | None = None
    beneficiary: int | None = Field(None, description="台账人员编号（工作人员代为点单）")
    source_report_id: int | None = Field(None, description="随手拍工单编号（转服务需求）")


class OrderReasonIn(Schema):
    reason: str = Field(max_length=200, description="原因")


class OrderDispatchIn(Schema):
    offer: int = Field(description="供给（服务方）编号")


class OrderGrabIn(Schema):
    offer: int | None = Field(None, description="用哪一项供给抢单（缺省：本类别本社区的那一项）")


class OrderRateIn(Schema):
    stars: int = Field(ge=1, le=5, description="1–5 星")
    comment: str = Field("", max_length=300)
    closing_note: str = Field("", max_length=300, description="结项说明")


class OrderPointIn(Schema):
    lat: float | None = None
    lon: float | None = None
    accuracy: float | None = Field(None, description="定位精度（米）")
    crs: str = Field("wgs84", max_length=8)


class OrderCompleteIn(OrderPointIn):
    note: str = Field(max_length=300, description="服务记录")
    hours: float | None = Field(None, description="服务时长（小时）；缺省按签到时间计算")


class MatchFactorOut(Schema):
    name: str
    label: str
    value: float
    weight: float
    note: str


class MatchCandidateOut(Schema):
    offer_id: int
    label: str
    score: float
    factors: list[MatchFactorOut]


# --- standing orders ------------------------------------------------------------------------


class StandingFilter(Schema):
    community: str | None = Field(None, max_length=15, description="社区区划代码")
    category: int | None = Field(None, description="类别编号")
    status: str | None = Field(None, max_length=10, description="状态：active/paused/ended")


class StandingRotaOut(Schema):
    weekday: int
    offer_id: int
    provider_name: str

    @staticmethod
    def resolve_provider_name(obj: Any) -> str:
        return obj.offer.provider_name


class StandingOut(Schema):
    """A standing order as the API shows it: the beneficiary masked, the address never."""

    id: int
    region_code: str
    category_id: int
    title: str
    beneficiary_name: str = Field(description="服务对象姓名（脱敏）")
    weekdays: list[int]
    at_time: str
    minutes: int
    starts_on: date
    ends_on: date | None
    status: str
    paused_until: date | None
    pause_reason: str
    funding_source: str

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id

    @staticmethod
    def resolve_beneficiary_name(obj: Any) -> str:
        return obj.beneficiary.name_masked

    @staticmethod
    def resolve_at_time(obj: Any) -> str:
        return obj.at_time.strftime("%H:%M")


class StandingDetailOut(StandingOut):
    rota: list[StandingRotaOut]

    @staticmethod
    def resolve_rota(obj: Any) -> Any:
        return obj.rota.select_related("offer").order_by("weekday")


class StandingPauseIn(Schema):
    until: date = Field(description="暂停至（含）")
    reason: str = Field(max_length=100, description="暂停原因，如住院")


class StandingEndIn(Schema):
    reason: str = Field("", max_length=200, description="结束原因")


class StandingTaskOut(Schema):
    id: int
    standing_order_id: int
    title: str
    beneficiary_name: str = Field(description="服务对象姓名（脱敏）")
    on: date
    due_at: datetime
    status: str
    done_at: datetime | None
    note: str

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.standing_order.title

    @staticmethod
    def resolve_beneficiary_name(obj: Any) -> str:
        return obj.standing_order.beneficiary.name_masked


class StandingTaskDoneIn(Schema):
    note: str = Field("", max_length=200, description="说明")
