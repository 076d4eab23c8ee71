"""The volunteers' figures for the dashboard and the work brief (registered in ``apps.ready``;
docs/indicators.md lists them with their definitions)."""

from __future__ import annotations

from typing import Any

from shegong.core.registry import Indicator

from .choices import ActivityStatus, RecordStatus
from .models import Activity, ServiceRecord


def held_activities() -> Any:
    return Activity.objects.filter(status=ActivityStatus.PUBLISHED)


def approved_records() -> Any:
    return ServiceRecord.objects.filter(status=RecordStatus.APPROVED)


ACTIVITY_COLUMNS = (("活动名称", "title"), ("组织队伍", "team.name"), ("开始时间", "starts_at"))
RECORD_COLUMNS = (("服务内容", "content"), ("记录单位", "team.name"), ("服务日期", "served_on"),
                  ("时长（小时）", "hours"))  # fmt: skip

INDICATORS = [
    Indicator(
        "volunteers.activities", "志愿服务活动", "场次", "volunteers",
        "已发布的志愿服务活动，按开始时间所在日计入（已取消、未通过、草稿不计）。",
        source=held_activities, date_field="starts_at",
        touched_by=(), columns=ACTIVITY_COLUMNS,
        sentence="累计开展各类志愿服务活动{value}场次",
        seed="累计开展各类志愿服务活动350场次，服务群众3243人次", order=10,
    ),
    Indicator(
        "volunteers.people_served", "志愿服务服务群众", "人次", "volunteers",
        "已发布活动登记的服务对象人次之和，按活动开始时间所在日计入。",
        source=held_activities, date_field="starts_at", measure="people_served",
        columns=(*ACTIVITY_COLUMNS, ("服务对象人次", "people_served")),
        sentence="服务群众{value}人次",
        seed="累计开展各类志愿服务活动350场次，服务群众3243人次", order=11,
    ),
    Indicator(
        "volunteers.hours", "志愿服务时长", "小时", "volunteers",
        "已确认的服务记录（含更正记录的正负时长）时长之和，按服务日期计入。",
        source=approved_records, date_field="served_on", measure="hours",
        touched_by=(("volunteers.activity", "activity_id"),), columns=RECORD_COLUMNS,
        sentence="记录志愿服务时长{value}小时", order=12,
    ),
]  # fmt: skip
