"""Excel exports of the team workbench: the service records as filtered (the fields the national
rules ask a record to carry, for filing in the designated 志愿服务信息系统 or an archive), and
an activity's roster with attendance (the sign-in sheet to print or keep).

Both are masked (name, ID number) and audited like every export; both reach only what the
caller runs (``access.records_run_by`` / ``access.activities_run_by``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from shegong.core import audit, excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.pii import mask_id_number
from shegong.volunteers.choices import ActivityCategory, RecordStatus, SignupStatus
from shegong.volunteers.forms.hours import ALL, FilterForm
from shegong.volunteers.models import ServiceRecord, Signup
from shegong.volunteers.queries import access
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.views.hours import _activity_choices, _team_choices
from shegong.web.exports import audited_xlsx

RECORD_COLUMNS = [
    excel.Column("志愿者编号", 16), excel.Column("姓名", 10), excel.Column("证件类型", 12),
    excel.Column("证件号码", 20), excel.Column("服务日期", 12), excel.Column("签到时间", 18),
    excel.Column("签退时间", 18), excel.Column("服务时长（小时）", 10),
    excel.Column("服务内容", 36), excel.Column("活动", 28), excel.Column("服务类别", 10),
    excel.Column("记录类型", 10), excel.Column("记录单位", 24), excel.Column("服务区划", 14),
    excel.Column("状态", 8), excel.Column("审核时间", 18), excel.Column("服务评价", 8),
    excel.Column("转出单位", 20),
    excel.Column("说明/更正原因", 28), excel.Column("记录编号", 10),
]  # fmt: skip
ROSTER_COLUMNS = [
    excel.Column("班次", 22), excel.Column("序号", 6), excel.Column("志愿者编号", 16),
    excel.Column("姓名", 10), excel.Column("报名状态", 10), excel.Column("报名时间", 18),
    excel.Column("签到时间", 18), excel.Column("签到距离（米）", 10), excel.Column("签退时间", 18),
    excel.Column("服务时长（小时）", 10), excel.Column("记录状态", 10), excel.Column("备注", 24),
]  # fmt: skip
ID_TYPE = "居民身份证"


def _at(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _audit(request: HttpRequest, table: str, rows: int, filters: dict[str, Any]) -> None:
    membership = request.user.active_membership
    audit.record(
        Verb.RECORDS_EXPORTED, actor=request.user,
        region=membership.region_id if membership is not None else None,
        data={"table": table, "masked": True, "rows": rows,
              "filters": {k: str(v) for k, v in filters.items() if v}},
    )  # fmt: skip


@require_safe
def records_export(request: HttpRequest) -> HttpResponse:
    """服务记录导出: what the records list shows with the same filters (pending by default)."""
    user = request.user
    access.require_runner(user)
    form = FilterForm(request.GET, teams=_team_choices(user), activities=_activity_choices(user))
    if not form.is_valid():
        messages.error(request, "筛选条件有误，未导出")
        return redirect_after_write(request, reverse("volunteers:records"))
    data = form.cleaned_data
    status = data.get("status") or RecordStatus.PENDING
    filters = {
        "team": data.get("team"), "activity": data.get("activity"),
        "status": None if status == ALL else status, "date_from": data.get("date_from"),
        "date_to": data.get("date_to"), "auto_closed": True if data.get("auto_closed") else None,
        "volunteer_number": data.get("number") or "", "sort": data.get("sort") or "",
    }  # fmt: skip
    qs = hours_queries.queue(user, **filters).select_related("region", "activity")
    categories = dict(ActivityCategory.choices)

    def rows() -> Iterator[list[Any]]:
        for r in qs.iterator(chunk_size=500):
            person = r.volunteer.person
            activity = r.activity
            yield [
                r.volunteer.number, person.name_masked, ID_TYPE,
                mask_id_number(person.id_number), r.served_on, _at(r.check_in_at),
                _at(r.check_out_at), float(r.hours), r.content, activity.title if activity else "",
                categories.get(activity.category, "") if activity else "",
                r.get_kind_display(), r.team.name, r.region.name, r.get_status_display(),
                _at(r.reviewed_at), r.get_evaluation_display() if r.evaluation else "",
                r.source_organization, r.reason, r.pk,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.RECORDS_EXPORTED, table="records", title="志愿服务记录",
        columns=RECORD_COLUMNS, rows=rows(), masked=True, filters=filters,
    )  # fmt: skip


@require_safe
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    """活动签到表: every shift's sign-ups (confirmed, then the waitlist) with attendance."""
    activity = (
        access.activities_run_by(request.user).filter(pk=pk).first() if str(pk).isdigit() else None
    )
    if activity is None:
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    records = {
        (r.shift_id, r.volunteer_id): r
        for r in ServiceRecord.objects.filter(activity=activity, shift__isnull=False)
    }
    signups = (
        Signup.objects.filter(shift__activity=activity)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("volunteer__person", "shift")
        .order_by("shift__starts_at", "shift_id", "status", "created_at", "pk")
    )  # "confirmed" < "waitlisted": the confirmed first, then the waitlist in order

    def rows() -> Iterator[list[Any]]:
        number, shift_id = 0, None
        for s in signups:
            if s.shift_id != shift_id:
                number, shift_id = 0, s.shift_id
            number += 1
            r = records.get((s.shift_id, s.volunteer_id))
            shift = f"{_at(s.shift.starts_at)}–{timezone.localtime(s.shift.ends_at):%H:%M}"
            note = "未签退，按结束时间自动签退" if r is not None and r.auto_closed else ""
            yield [
                shift, number, s.volunteer.number, s.volunteer.person.name_masked,
                s.get_status_display(), _at(s.created_at),
                _at(r.check_in_at) if r else "", r.check_in_distance_m if r else "",
                _at(r.check_out_at) if r else "",
                float(r.hours) if r and r.status != RecordStatus.OPEN else "",
                r.get_status_display() if r else "未签到", note,
            ]  # fmt: skip

    response = excel.xlsx_response(
        f"签到表-{activity.title[:30]}.xlsx", ROSTER_COLUMNS, rows(), sheet_name="签到表"
    )
    _audit(request, "roster", int(response["X-Export-Rows"]), {"activity": activity.pk})
    return response
