"""The API contract of matching's two lists (also the shape the Excel import checks)."""

from datetime import date, datetime

from ninja import Field, Schema


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


class ReviewIn(Schema):
    status: str = Field(max_length=10, description="目标状态：approved/paused/blocked")
    reason: str = Field("", max_length=200, description="原因（暂停、停用须填）")
