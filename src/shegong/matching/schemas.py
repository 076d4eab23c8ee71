"""The API contract of matching (/api/v1/matching/)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from shegong.matching.choices import Channel, OrderStatus, Urgency

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
