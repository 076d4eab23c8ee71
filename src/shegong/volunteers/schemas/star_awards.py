"""The API contract of /api/v1/star-awards: 星级认定 applications, their decisions, and the
caller's own eligibility and applications."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from shegong.volunteers.choices import StarAwardStatus
from shegong.volunteers.models import StarAward


class StarAwardFilter(Schema):
    tab: str = Field(
        "review",
        description="review 待审核 / publicity 公示中 / due 公示期满待认定 / done 已办结",
    )


class StarAwardOut(Schema):
    id: int
    volunteer_id: int
    volunteer_number: str
    volunteer_name: str = Field(description="脱敏姓名")
    region: str
    star: int = Field(description="申请星级 1–5")
    counted_hours: Decimal = Field(description="申请时计入星级的时长（小时）")
    months_registered: int
    status: StarAwardStatus
    status_label: str
    on_behalf: bool = Field(description="工作人员代为申请")
    applied_at: datetime
    reviewed_at: datetime | None
    review_note: str = Field(description="审核意见；驳回时为原因")
    publicity_starts_at: datetime | None
    publicity_ends_at: datetime | None = Field(description="公示结束（该日 24:00）")
    objection_note: str
    awarded_at: datetime | None
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_volunteer_number(obj: StarAward) -> str:
        return obj.volunteer.number

    @staticmethod
    def resolve_volunteer_name(obj: StarAward) -> str:
        return obj.volunteer.person.name_masked

    @staticmethod
    def resolve_region(obj: StarAward) -> str:
        return obj.region_id

    @staticmethod
    def resolve_status_label(obj: StarAward) -> str:
        return obj.get_status_display()


class StarApplyIn(Schema):
    volunteer: int = Field(description="志愿者编号（内部 id）：工作人员代为申请")
    star: int | None = Field(None, description="申请星级；不填为当前符合条件的最高星级")


class MyStarApplyIn(Schema):
    star: int | None = Field(None, description="申请星级；不填为当前符合条件的最高星级")


class StarNoteIn(Schema):
    note: str = Field("", max_length=200, description="审核意见（可空）")


class StarReasonIn(Schema):
    reason: str = Field("", max_length=200, description="原因（必填）")


class MyStarsOut(Schema):
    star: int = Field(description="已认定星级（0 为未评星）")
    counted_hours: Decimal = Field(description="计入星级的时长：已确认时长减去不计入的服务性质")
    months_registered: int
    eligible_star: int = Field(description="当前符合条件的最高星级")
    can_apply: bool
    next_star_shortfall: str = Field(description="距下一星级还差什么；已五星或可申请时为空")
    applications: list[StarAwardOut]
