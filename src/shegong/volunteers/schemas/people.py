"""The API contract of /api/v1/volunteers: volunteers, their record (trainings, awards,
evaluations), teams and professional social workers."""

from datetime import date, datetime

from ninja import Field, Schema


class SkillOut(Schema):
    code: str
    name: str
    certificate_name: str = Field(description="资质证书名称（未填写为空）")


class TeamMembershipOut(Schema):
    team_id: int
    team_name: str
    role: str = Field(description="member 队员 / leader 负责人")
    joined_on: date
    left_on: date | None


class VolunteerOut(Schema):
    """A volunteer as staff see them in a list: masked, named by the volunteer number."""

    id: int
    number: str = Field(description="志愿者编号（公开标识，不是身份证号）")
    name: str = Field(description="姓名（脱敏）")
    sex: str
    age: int | None
    phone: str = Field(description="手机号（脱敏）")
    region: str = Field(description="服务区域代码")
    region_name: str
    status: str
    status_label: str
    star: int
    hours: float = Field(description="累计确认服务时长（小时）")
    skills: list[SkillOut]
    availability: dict[str, list[str]] = Field(
        description="每周可服务时间：ISO 星期（1=周一）→ am/pm/eve"
    )
    registered_at: datetime
    guardian_consent: bool | None = Field(
        description="未成年人：是否已登记监护人同意；成年人为 null"
    )
    sign_up_block: str | None = Field(description="暂不能报名活动的原因；可以报名时为 null")


class VolunteerDetail(VolunteerOut):
    id_number: str = Field(description="身份证号（脱敏）")
    consent_version: str
    teams: list[TeamMembershipOut]


class TrainingOut(Schema):
    id: int
    title: str
    held_on: date
    hours: float = Field(description="培训时长（小时）；不计入志愿服务时长")
    trainer: str = Field(description="授课人/单位")
    team_id: int
    team_name: str = Field(description="组织培训的队伍")


class AwardOut(Schema):
    id: int
    title: str
    level: str = Field(
        description="national 国家级 / provincial 省级 / city 市级 / county 区县级 / "
        "street 街道级 / community 社区级 / team 队伍"
    )
    level_label: str
    awarded_by: str = Field(description="授予单位")
    awarded_on: date
    note: str
    team_name: str | None = Field(description="记录表彰的队伍；工作人员记录的为 null")
    revoked: bool = Field(description="是否已撤销（撤销的记录仍保留，附原因）")
    revoked_at: datetime | None
    revoked_reason: str


class VolunteerRecordOut(Schema):
    """培训情况与表彰奖励情况 of the caller's volunteer record (民政部令第67号)."""

    training_count: int = Field(description="参加培训次数")
    training_hours: float = Field(description="培训总时长（小时）")
    trainings: list[TrainingOut] = Field(description="参加的培训（最近的在前，最多 100 条）")
    awards: list[AwardOut] = Field(description="表彰奖励（含已撤销的，最近的在前）")
    evaluations: dict[str, int] = Field(
        description="评价情况：已确认的服务中评为 excellent 优秀 / good 良好 / pass 合格 的次数"
    )


class SkillIn(Schema):
    skill: str = Field(description="技能编码，如 medical、elderly")
    certificate_name: str = ""
    certificate_number: str = ""


class GuardianIn(Schema):
    name: str = ""
    phone: str = ""
    relation: str = Field("", description="与本人关系，如 父亲、母亲")


class VolunteerCreate(Schema):
    name: str
    id_number: str
    phone: str = ""
    region: str = Field(description="服务区域：街道或社区代码，须在本人工作范围内")
    skills: list[SkillIn] = []
    availability: dict[str, list[str]] = {}
    consent: bool = Field(False, description="已向本人告知个人信息处理告知书并取得同意")
    guardian: GuardianIn | None = None
    guardian_consent: bool = Field(
        False, description="未成年人：监护人已同意（最低年龄低于14周岁时，未满14周岁的必填）"
    )


class VolunteerFilter(Schema):
    region: str = Field("", description="区划代码（含下级）")
    skill: str = Field("", description="技能编码")
    status: str = Field("", description="active / paused / left")
    star: int | None = Field(None, ge=0, le=5, description="星级 0–5")
    team: int | None = Field(None, description="队伍编号（现有队员）")
    q: str = Field("", description="姓名或志愿者编号（前缀）")


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: str
    region_name: str
    organization: str | None = Field(description="依托单位名称")
    parent_id: int | None
    incubation: str = Field(description="none / incubating 孵化中 / incubated 已孵化")
    incubation_label: str
    incubation_started_on: date | None
    incubated_on: date | None
    members: int = Field(description="现有队员人数")
    is_active: bool


class MemberOut(Schema):
    id: int
    number: str
    name: str = Field(description="姓名（脱敏）")
    role: str
    joined_on: date
    star: int
    hours: float


class TeamDetail(TeamOut):
    description: str
    phone: str
    roster: list[MemberOut] = Field(description="现有队员（姓名脱敏）")


class TeamFilter(Schema):
    region: str = ""
    kind: str = ""
    incubation: str = Field("", description="none / incubating / incubated")
    q: str = Field("", description="名称")


class PeriodOut(Schema):
    id: int
    region: str
    region_name: str
    starts_on: date
    ends_on: date | None


class GuidanceOut(Schema):
    id: int
    on: date
    mode: str
    topic: str


class PairingOut(PeriodOut):
    logs: list[GuidanceOut]


class SocialWorkerOut(Schema):
    id: int
    name: str = Field(description="姓名（脱敏）")
    qualification: str
    qualification_label: str
    certificate_number: str
    employer: str | None = Field(description="所在社工机构")
    region: str
    region_name: str
    stationings: list[PeriodOut] = Field(description="当前驻点")
    pairings: list[PairingOut] = Field(description="当前结对帮扶与指导记录")


class SocialWorkerFilter(Schema):
    qualification: str = Field("", description="none / assistant / intermediate / senior")
    community: str = Field("", description="当前驻点社区代码")
    stationed: bool | None = Field(None, description="true 只看驻点中 / false 只看未驻点")
    q: str = Field("", description="姓名")
