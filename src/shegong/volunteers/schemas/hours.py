"""The API contract of /api/v1/service-records: records and their review, my hours, my requests
for a certificate, the public certificate check."""

from datetime import date, datetime

from ninja import Field, Schema

from shegong.volunteers.actions.certificate_requests import PURPOSE_MAX
from shegong.volunteers.actions.hours import BULK_MAX
from shegong.volunteers.choices import RecordStatus
from shegong.volunteers.models import CertificateRequest, ServiceRecord

MY_LIMIT = 100


class RecordFilter(Schema):
    team: int | None = Field(None, description="队伍编号")
    activity: int | None = Field(None, description="活动编号")
    status: RecordStatus | None = Field(None, description="状态：open/pending/approved/declined")
    served_from: date | None = Field(None, description="服务日期起（含）")
    served_to: date | None = Field(None, description="服务日期止（含）")
    auto_closed: bool | None = Field(None, description="true：只看未签退、自动结束的记录")
    volunteer_number: str | None = Field(None, max_length=20, description="志愿者编号")


class RecordOut(Schema):
    id: int
    volunteer_number: str
    volunteer_name: str = Field(description="姓名（脱敏）")
    team_id: int
    team_name: str
    activity_id: int | None
    activity_title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    content: str
    served_on: date
    check_in_at: datetime | None
    check_out_at: datetime | None
    auto_closed: bool
    hours: float = Field(description="服务时长（小时）；更正记录为带符号的更正量")
    corrects_id: int | None
    reason: str
    source_organization: str
    reviewed_at: datetime | None
    review_note: str
    evaluation: str = Field(
        description="服务评价：excellent 优秀 / good 良好 / pass 合格；空为未评价"
    )

    @staticmethod
    def resolve_volunteer_number(obj: ServiceRecord) -> str:
        return obj.volunteer.number

    @staticmethod
    def resolve_volunteer_name(obj: ServiceRecord) -> str:
        return obj.volunteer.person.name_masked

    @staticmethod
    def resolve_team_name(obj: ServiceRecord) -> str:
        return obj.team.name

    @staticmethod
    def resolve_activity_title(obj: ServiceRecord) -> str:
        return obj.activity.title if obj.activity_id else ""

    @staticmethod
    def resolve_kind_label(obj: ServiceRecord) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: ServiceRecord) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_hours(obj: ServiceRecord) -> float:
        return float(obj.hours)


class ReviewIn(Schema):
    note: str = Field("", max_length=200, description="审核意见；不予确认时必填（原因）")
    evaluation: str = Field(
        "", description="确认时可给服务评价：excellent 优秀 / good 良好 / pass 合格（或中文）"
    )


class BulkApproveIn(Schema):
    ids: list[int] = Field(description=f"记录编号，最多 {BULK_MAX} 条")
    note: str = Field("", max_length=200)
    evaluation: str = Field("", description="服务评价：excellent / good / pass；可空")


class BulkApproveOut(Schema):
    approved: int
    hours: float
    records: list[RecordOut]


class AdjustIn(Schema):
    hours_delta: str | float | None = Field(
        None, description="更正时长（小时，带符号，最多两位小数），如 -0.5 或 1.25"
    )
    reason: str = Field("", max_length=200, description="更正原因（必填）")


class MyRecordOut(Schema):
    id: int
    team_name: str
    activity_title: str
    kind: str
    status: str
    status_label: str
    content: str
    served_on: date
    hours: float
    auto_closed: bool
    review_note: str
    evaluation_label: str = Field(description="服务评价（优秀/良好/合格）；空为未评价")


class MyCertificateOut(Schema):
    id: int
    serial: str
    issuer_name: str
    period_start: date
    period_end: date
    hours: float
    issued_at: datetime
    revoked: bool


class MyCertificateRequestOut(Schema):
    id: int
    team_id: int
    team_name: str
    period_start: date
    period_end: date
    purpose: str
    status: str = Field(description="requested/issued/declined/withdrawn")
    status_label: str = Field(description="待受理/已出具/不予出具/已撤回")
    decline_reason: str
    created_at: datetime
    decided_at: datetime | None
    certificate_id: int | None = Field(description="出具后：证明编号（内部 id）")
    certificate_serial: str | None = Field(description="出具后：证明编号")

    @staticmethod
    def resolve_team_name(obj: CertificateRequest) -> str:
        return obj.team.name

    @staticmethod
    def resolve_status_label(obj: CertificateRequest) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_certificate_serial(obj: CertificateRequest) -> str | None:
        return obj.certificate.serial if obj.certificate_id else None


class CertificateRequestIn(Schema):
    team: int = Field(description="队伍编号：记录您服务时长的队伍（见 requests/me 的 teams）")
    period_start: date = Field(description="服务起始日期")
    period_end: date = Field(description="服务截止日期（不晚于今天）")
    purpose: str = Field(max_length=PURPOSE_MAX, description="用途，如升学、评优、求职")


class RequestableTeamOut(Schema):
    team_id: int
    team_name: str
    hours: float = Field(description="该队伍已确认、可证明的服务时长（小时）")
    first_served_on: date = Field(description="首次服务日期（申请期间的默认起点）")


class MyCertificateRequestsOut(Schema):
    teams: list[RequestableTeamOut] = Field(description="可以申请出具证明的队伍")
    requests: list[MyCertificateRequestOut] = Field(description=f"最近 {MY_LIMIT} 条申请")


class MyHoursOut(Schema):
    number: str = Field(description="志愿者编号")
    hours: float = Field(description="累计确认时长（小时）")
    star: int
    next_star: int | None = Field(description="下一星级；已达五星为 null")
    next_star_hours: int | None = Field(description="下一星级所需累计时长")
    missing_hours: float | None = Field(description="距下一星级还差的小时数")
    pending_records: int
    records: list[MyRecordOut] = Field(description=f"最近 {MY_LIMIT} 条服务记录")
    certificates: list[MyCertificateOut]
    open_certificate_requests: list[MyCertificateRequestOut] = Field(
        description="待受理的记录证明申请"
    )


class CertificateCheckOut(Schema):
    serial: str
    name: str = Field(description="志愿者姓名（脱敏）")
    hours: float
    period_start: date
    period_end: date
    issuer: str
    issued_on: date
    status: str = Field(description="valid")


# --- 异议 on a record (issue 18 A8) and the 公示 of a certificate request (A7) ---------------


class DisputeIn(Schema):
    reason: str = Field(description="异议理由（必填，不超过 200 字）")
    hours: str | None = Field(None, description="本人认为应为的时长（小时，可空）")


class DisputeAnswerIn(Schema):
    decision: str = Field(description="maintain 维持原记录 / correct 更正")
    answer: str = Field(description="答复意见（必填，告知志愿者）")
    hours: str | None = Field(None, description="更正后该记录应有的时长（小时；更正时必填）")


class DisputeOut(Schema):
    id: int
    record_id: int
    team_id: int
    status: str
    status_label: str = Field(description="待答复 / 维持原记录 / 已更正 / 已撤回")
    reason: str
    claimed_hours: float | None
    due_at: datetime
    overdue: bool
    answer: str
    correction_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj: object) -> str:
        return str(getattr(obj, "get_status_display")())  # noqa: B009

    @staticmethod
    def resolve_claimed_hours(obj: object) -> float | None:
        value = getattr(obj, "claimed_hours", None)
        return None if value is None else float(value)


class PublicityOut(Schema):
    id: int
    status: str
    publicity_ends_at: datetime | None
