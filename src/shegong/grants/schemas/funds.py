"""The API schemas of community charity funds (names prefixed ``Fund``: unique across apps)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class FundHostOut(Schema):
    id: int
    name: str
    account_name: str
    bank: str
    receipt_prefix: str


class FundOut(Schema):
    id: int
    region_code: str
    name: str
    status: str
    host: FundHostOut
    cash_balance: Decimal
    last_movement_at: datetime | None
    dormant_flagged_at: datetime | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id


class FundMemberOut(Schema):
    id: int
    name: str
    role: str
    unit: str
    started_on: date
    ended_on: date | None


class FundDetailOut(FundOut):
    agreement_no: str
    purpose: str
    use_scope: str
    termination_terms: str
    leftover_terms: str
    committee: list[FundMemberOut]

    @staticmethod
    def resolve_committee(obj: Any) -> Any:
        return list(obj.committee.order_by("role", "pk"))


class FundMovementOut(Schema):
    id: int
    kind: str
    occurred_at: datetime
    amount: Decimal
    balance_after: Decimal
    item_id: int | None
    quantity: Decimal
    donor_name: str
    donor_kind: str
    anonymous: bool
    recognition: str
    receipt_no: str
    spending_id: int | None
    pledge_id: int | None
    note: str


class FundMovementFilter(Schema):
    kind: str | None = Field(None, max_length=12, description="cash_in/cash_out/goods_in/…")
    month: str | None = Field(None, max_length=7, description="月份 YYYY-MM")
    start: str | None = Field(None, max_length=10, description="起始日期 YYYY-MM-DD")
    end: str | None = Field(None, max_length=10, description="截止日期 YYYY-MM-DD")
    donor: str | None = Field(None, max_length=40, description="捐赠方（包含）")


class FundDonationIn(Schema):
    kind: str = Field("", max_length=10, description="cash 现金 / goods 物资 / exchange 资源置换")
    donor_name: str = Field("", max_length=200)
    donor_kind: str = Field("", max_length=12, description="person/company/merchant/…")
    anonymous: bool = False
    amount: str = Field("", max_length=20, description="现金金额（元）")
    item_name: str = Field("", max_length=120)
    unit: str = Field("件", max_length=20)
    quantity: str = Field("", max_length=20)
    unit_value: str = Field("", max_length=20, description="单价（元）")
    is_service: bool = False
    recognition: str = Field("", max_length=400, description="反哺回馈（资源置换必填）")
    pledge: int | None = Field(None, description="兑现的认捐编号")
    note: str = Field("", max_length=400)


class FundItemOut(Schema):
    id: int
    name: str
    unit: str
    is_service: bool
    unit_value: Decimal
    quantity: Decimal
    quantity_left: Decimal
    received_on: date


class FundSpendingOut(Schema):
    id: int
    fund_id: int
    region_code: str
    target: str
    title: str
    purpose: str
    payee: str
    amount: Decimal
    item_id: int | None
    quantity: Decimal
    beneficiaries: int
    status: str
    resolution: str
    votes_for: int
    votes_against: int
    supervisor_id: int | None
    supervisor_opinion: str
    requested_at: datetime
    decided_at: datetime | None
    paid_at: datetime | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_id


class FundTargetOut(Schema):
    """A candidate the fund's spending may pay (支出去向): a grant project, an action item or a
    standing service of the fund's community, in a state that can be paid."""

    id: int = Field(description="项目/实事/服务编号（申请支出时填入对应字段）")
    label: str = Field(description="名称、状态与承接方")
    status: str


class FundSpendingIn(Schema):
    title: str = Field("", max_length=200)
    purpose: str = Field("", max_length=4000)
    target: str = Field(
        "other", max_length=16, description="grant/action_item/standing_order/other"
    )
    project: int | None = None
    action_item: int | None = None
    standing_order: int | None = None
    payee: str = Field("", max_length=200)
    amount: str = Field("", max_length=20, description="现金金额（元）；使用物资时留空")
    item: int | None = Field(None, description="物资/服务编号")
    quantity: str = Field("", max_length=20)
    beneficiaries: int = Field(0, ge=0, le=10_000_000, description="惠及人次")


class FundDecisionIn(Schema):
    approve: bool | None = Field(None, description="true 批准 / false 不批准")
    resolution: str = Field("", max_length=600)
    votes_for: int | None = Field(None, ge=0, le=99)
    votes_against: int | None = Field(None, ge=0, le=99)
    supervisor: int | None = Field(None, description="监督员（管委会成员编号）")
    supervisor_opinion: str = Field("", max_length=2000)


class FundPayIn(Schema):
    note: str = Field("", max_length=400)


class FundDisclosureOut(Schema):
    id: int
    fund_id: int
    period_start: date
    period_end: date
    cash_in: Decimal
    cash_out: Decimal
    goods_in: Decimal
    goods_out: Decimal
    balance: Decimal
    notice_id: int | None
    generated_at: datetime


class FundDiscloseIn(Schema):
    month: str = Field("", max_length=7, description="公示月份 YYYY-MM")
