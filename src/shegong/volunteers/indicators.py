"""The volunteers' figures for the dashboard and the work brief (registered in ``apps.ready``;
docs/indicators.md lists them with their definitions). Each counts the records of the figure of
the same name on the volunteers' own pages (``queries.statistics``, ``queries.socialwork``), by
the same rules: a stock counts what stands at the period's end, by the records' current state
where the record keeps no date of its change (a volunteer's status, a team's running)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import DateField, F
from django.db.models.functions import Cast

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import (
    ActivityStatus,
    Incubation,
    Qualification,
    RecordKind,
    RecordStatus,
    StarAwardStatus,
    VolunteerStatus,
)
from .models import (
    Activity,
    Certificate,
    Pairing,
    ServiceRecord,
    StarAward,
    Stationing,
    Team,
    Volunteer,
)

# A stationing or pairing still counts on its end date (``queries.socialwork.current``): it
# leaves the stock the day after.
LEFT_ON = "left_on"


def _day_after(field: str) -> Any:
    return Cast(F(field) + timedelta(days=1), DateField())


def held_activities() -> Any:
    return Activity.objects.filter(status=ActivityStatus.PUBLISHED)


def approved_records() -> Any:
    return ServiceRecord.objects.filter(status=RecordStatus.APPROVED)


# One service given: a check-in, a record entered afterwards (补录) or a point-order service; a
# correction (更正) and hours transferred in from elsewhere (转入) are not a service of their own.
SERVICE_KINDS = (RecordKind.ATTENDANCE, RecordKind.MANUAL, RecordKind.ORDER)


def approved_services() -> Any:
    return approved_records().filter(kind__in=SERVICE_KINDS)


def active_volunteers() -> Any:
    return Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)


def incubated_teams() -> Any:
    return Team.objects.filter(is_active=True, incubation=Incubation.INCUBATED)


def stationings() -> Any:
    return Stationing.objects.annotate(**{LEFT_ON: _day_after("ends_on")})


def senior_pairings() -> Any:
    return Pairing.objects.filter(social_worker__qualification=Qualification.SENIOR).annotate(
        **{LEFT_ON: _day_after("ends_on")}
    )


def awarded_stars() -> Any:
    return StarAward.objects.filter(status=StarAwardStatus.AWARDED)


def valid_certificates() -> Any:
    return Certificate.objects.filter(revoked_at__isnull=True)


ACTIVITY_COLUMNS = (("活动名称", "title"), ("组织队伍", "team.name"), ("开始时间", "starts_at"))
RECORD_COLUMNS = (
    ("服务内容", "content"),
    ("记录单位", "team.name"),
    ("服务日期", "served_on"),
    ("时长（小时）", "hours"),
)
PERIOD_COLUMNS = (
    ("社工", "social_worker.person.name_masked"),
    ("社区", "region.name"),
    ("开始日期", "starts_on"),
    ("结束日期", "ends_on"),
)
VOLUNTEER = (("志愿者编号", "volunteer.number"), ("姓名", "volunteer.person.name_masked"))
DONGGUAN = (
    "如今，157名专(兼)职专业社工驻点在东莞市35个融合试点村(社区)，共培养志愿者2万余名，"
    "孵化志愿服务组织183支。"
)
PERM = Perm.VOLUNTEERS_VIEW

INDICATORS = [
    Indicator(
        "volunteers.activities", "志愿服务活动", "场次", "volunteers",
        "已发布的志愿服务活动，按开始时间所在日计入（已取消、未通过、草稿不计）。",
        source=held_activities, date_field="starts_at",
        touched_by=(), columns=ACTIVITY_COLUMNS,
        sentence="累计开展各类志愿服务活动{value}场次",
        seed="累计开展各类志愿服务活动350场次，服务群众3243人次", perm=PERM, order=10,
    ),
    Indicator(
        "volunteers.people_served", "志愿服务服务群众", "人次", "volunteers",
        "已发布活动登记的服务对象人次之和，按活动开始时间所在日计入。",
        source=held_activities, date_field="starts_at", measure="people_served",
        columns=(*ACTIVITY_COLUMNS, ("服务对象人次", "people_served")),
        sentence="服务群众{value}人次",
        seed="累计开展各类志愿服务活动350场次，服务群众3243人次", perm=PERM, order=11,
    ),
    Indicator(
        "volunteers.hours", "志愿服务时长", "小时", "volunteers",
        "已确认的服务记录（含更正记录的正负时长）时长之和，按服务日期计入。",
        source=approved_records, date_field="served_on", measure="hours",
        touched_by=(("volunteers.activity", "activity_id"),), columns=RECORD_COLUMNS,
        sentence="记录志愿服务时长{value}小时", perm=PERM, order=12,
    ),
    Indicator(
        "volunteers.services", "志愿者参与服务", "人次", "volunteers",
        "已确认的服务记录条数（签到记录、补录、点单服务记录各计一人次；更正记录和转入记录"
        "不是一次服务，不计），按服务日期、服务区划计入。",
        source=approved_services, date_field="served_on",
        touched_by=(("volunteers.activity", "activity_id"),),
        columns=(*VOLUNTEER[:1], *RECORD_COLUMNS),
        sentence="志愿者参与服务{value}人次", perm=PERM, order=13,
    ),
    Indicator(
        "volunteers.registered", "注册志愿者", "名", "volunteers",
        "状态为“在册”的注册志愿者（暂停服务、已退出的不计；按当前状态），自注册时间起计入"
        "其服务区域；统计时点为所选期间的最后一天。",
        kind="stock", source=active_volunteers, date_field="created_at",
        columns=(("志愿者编号", "number"), ("姓名", "person.name_masked"),
                 ("服务区域", "region.name"), ("注册时间", "created_at")),
        sentence="共培养志愿者{value}名", seed=DONGGUAN, perm=PERM, order=20,
    ),
    Indicator(
        "volunteers.teams_incubated", "孵化志愿服务组织", "支", "volunteers",
        "孵化状态为“已孵化”且在运行的志愿服务队伍（含志愿服务组织、草根志愿团体），自孵化"
        "完成日期起计入其所属社区；统计时点为所选期间的最后一天。",
        kind="stock", source=incubated_teams, date_field="incubated_on",
        columns=(("队伍名称", "name"), ("类型", "get_kind_display"), ("所属社区", "region.name"),
                 ("孵化完成", "incubated_on")),
        sentence="孵化志愿服务组织{value}支", seed=DONGGUAN, perm=PERM, order=21,
    ),
    Indicator(
        "volunteers.stationed", "驻点专业社工", "名", "volunteers",
        "驻点在社区的专业社工：开始日期已到、结束日期未过（结束日期当天仍计入）的驻点记录，"
        "计入驻点社区；同一社工同时驻点多个社区的，每个社区各计一名。统计时点为所选期间的最后"
        "一天。",
        kind="stock", source=stationings, date_field="starts_on", end_field=LEFT_ON,
        columns=PERIOD_COLUMNS,
        sentence="{value}名专(兼)职专业社工驻点", seed=DONGGUAN, perm=PERM, order=30,
    ),
    Indicator(
        "volunteers.senior_paired", "高级社工结对帮扶", "名", "volunteers",
        "高级社会工作师与社区的结对帮扶：开始日期已到、结束日期未过（结束日期当天仍计入）的"
        "结对记录，计入结对社区；同一社工结对多个社区的，每个社区各计一名。统计时点为所选期间的"
        "最后一天。",
        kind="stock", source=senior_pairings, date_field="starts_on", end_field=LEFT_ON,
        touched_by=(("volunteers.socialworker", "social_worker_id"),), columns=PERIOD_COLUMNS,
        sentence="组织{value}名高级社会工作者下沉到村(社区)结对帮扶",
        seed="组织东莞市22名高级社会工作者下沉到村(社区)结对帮扶", perm=PERM, order=31,
    ),
    Indicator(
        "volunteers.stars_awarded", "认定星级志愿者", "名", "volunteers",
        "经申请、审核、公示后认定的星级志愿者（每次认定计一名，含晋升星级），按认定时间所在日"
        "计入志愿者的服务区域。",
        source=awarded_stars, date_field="awarded_at",
        columns=(*VOLUNTEER, ("认定星级", "star"), ("认定时间", "awarded_at")),
        sentence="认定星级志愿者{value}名", perm=PERM, order=40,
    ),
    Indicator(
        "volunteers.certificates", "出具志愿服务记录证明", "份", "volunteers",
        "出具的志愿服务记录证明（已作废的不计），按出具时间所在日计入出具队伍所在社区。",
        source=valid_certificates, date_field="issued_at", region_field="team__region",
        columns=(("证明编号", "serial"), *VOLUNTEER, ("出具单位", "issuer_name"),
                 ("服务时长（小时）", "hours"), ("出具时间", "issued_at")),
        sentence="出具志愿服务记录证明{value}份", perm=PERM, order=41,
    ),
]  # fmt: skip
