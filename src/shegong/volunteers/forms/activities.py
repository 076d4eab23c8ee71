"""Forms of the activity pages. They only parse text; the rules live in the actions
(``activities``, ``signups``, ``attendance``), whose ``InvalidInput`` field names are these
forms' field names, so ``add_domain_error`` puts each message beside its field.

The shift editor is plain fields (``s<n>_start`` / ``s<n>_end`` / ``s<n>_quota`` and a hidden
``s<n>_id``), so it works without JavaScript; ``shifts_from_data`` turns the filled rows into the
list ``activities.create_activity(shifts=...)`` checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shegong.core import geo
from shegong.core.geo import CRS_LABELS
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.volunteers.actions import activities
from shegong.volunteers.choices import ActivityCategory, ActivityStatus
from shegong.volunteers.models import Activity, Skill, Team
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

AT_FORMAT = "%Y-%m-%dT%H:%M"
AT_INPUTS = [AT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
AT_ERRORS = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM", "required": "请填写时间"}
SHIFT_ROWS = 4
REGION_LEVELS = (Level.STREET, Level.COMMUNITY)


def _at_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=AT_INPUTS, help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=AT_FORMAT),
        error_messages=AT_ERRORS,
    )  # fmt: skip


def local_at(value: datetime | None) -> str:
    return timezone.localtime(value).strftime(AT_FORMAT) if value else ""


class ActivityFilterForm(StyledForm):
    team = forms.TypedChoiceField(label="队伍", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ActivityStatus.choices]
    )
    category = forms.ChoiceField(
        label="服务类别", required=False, choices=[("", "全部"), *ActivityCategory.choices]
    )
    date_from = forms.DateField(label="开始日期自", required=False, widget=DATE,
                                error_messages=DATE_ERRORS)  # fmt: skip
    date_to = forms.DateField(label="至", required=False, widget=DATE, error_messages=DATE_ERRORS)
    q = forms.CharField(label="名称/地点", required=False, max_length=50)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "全部"), *teams]


class ActivityForm(StyledForm):
    team = forms.ModelChoiceField(
        label="组织队伍", queryset=Team.objects.none(),
        error_messages={
            "invalid_choice": "所选队伍不在您的管理范围内", "required": "请选择组织队伍",
        },
    )  # fmt: skip
    title = forms.CharField(label="活动名称", max_length=100)
    category = forms.ChoiceField(label="服务类别", choices=ActivityCategory.choices)
    description = forms.CharField(
        label="活动内容", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="如实说明服务内容、要求和可能的风险（志愿服务条例第十二条）",
    )  # fmt: skip
    region = forms.ChoiceField(label="活动区划", required=False, help_text="默认为队伍所属区划")
    address = forms.CharField(label="活动地点", max_length=200)
    # No range here: the action names a swapped or foreign point in Chinese (填反了, 不在境内).
    lat = forms.FloatField(label="纬度", error_messages={"invalid": "纬度应为数字"})
    lon = forms.FloatField(label="经度", error_messages={"invalid": "经度应为数字"})
    crs = forms.ChoiceField(
        label="坐标系", choices=[(c, CRS_LABELS[c]) for c in geo.CRS_CHOICES], initial="wgs84",
        help_text="高德/腾讯/微信坐标选 gcj02，百度选 bd09",
    )  # fmt: skip
    radius_m = forms.IntegerField(
        label="签到范围（米）", initial=300, min_value=activities.RADIUS_M[0],
        max_value=activities.RADIUS_M[1], help_text="志愿者须在此范围内扫码签到、签退",
    )  # fmt: skip
    starts_at = _at_field("开始时间")
    ends_at = _at_field("结束时间")
    quota = forms.IntegerField(
        label="招募人数", required=False, min_value=1, max_value=activities.QUOTA_MAX,
        help_text="不分班次时填写；分班次时按各班次填写",
    )  # fmt: skip
    required_skills = forms.ModelMultipleChoiceField(
        label="所需技能", required=False, queryset=Skill.objects.none(), to_field_name="code",
        widget=forms.CheckboxSelectMultiple, help_text="未登记全部所需技能的志愿者不能报名",
    )  # fmt: skip
    risky = forms.BooleanField(label="有人身风险（须先投保）", required=False)
    insurance_note = forms.CharField(
        label="保险说明", required=False, max_length=200,
        help_text="如：已为参与志愿者投保人身意外伤害险（保险公司、保单号）",
    )  # fmt: skip
    people_served = forms.IntegerField(
        label="服务对象人次", required=False, min_value=0, help_text="活动结束后填写"
    )

    def __init__(
        self, *args: Any, teams: Any, activity: Activity | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["team"].queryset = teams
        self.fields["required_skills"].queryset = Skill.objects.filter(is_active=True)
        self.fields["required_skills"].widget.attrs["class"] = "form-check-input"
        self.fields["region"].choices = [("", "（队伍所属区划）"), *_region_choices(teams)]
        if activity is not None:
            # The team is fixed once the activity exists (its records belong to that team).
            self.fields["team"].disabled = True
            self.fields["team"].required = False
        else:
            del self.fields["people_served"]


def _region_choices(teams: Any) -> list[tuple[str, str]]:
    prefixes: list[str] = []
    for prefix in sorted({t.region.prefix for t in teams.select_related("region")}, key=len):
        if not any(prefix.startswith(p) for p in prefixes):  # a street covers its communities
            prefixes.append(prefix)
    rows: dict[str, str] = {}
    for prefix in prefixes:
        subtree = Region.objects.filter(code__gte=prefix, code__lt=prefix + ":")
        for r in subtree.filter(level__in=REGION_LEVELS).order_by("code"):
            rows[r.code] = r.name if r.level == Level.STREET else f"　{r.name}"
    return list(rows.items())


def activity_initial(activity: Activity) -> dict[str, Any]:
    return {
        "team": activity.team_id, "title": activity.title, "category": activity.category,
        "description": activity.description, "region": activity.region_id,
        "address": activity.address, "lat": activity.lat, "lon": activity.lon, "crs": "wgs84",
        "radius_m": activity.radius_m, "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at), "risky": activity.risky,
        "insurance_note": activity.insurance_note, "people_served": activity.people_served,
        "required_skills": [s.code for s in activity.required_skills.all()],
    }  # fmt: skip


def activity_values(form: ActivityForm) -> dict[str, Any]:
    data = form.cleaned_data
    values = {
        "title": data["title"], "category": data["category"], "description": data["description"],
        "region": data["region"] or None, "address": data["address"], "lat": data["lat"],
        "lon": data["lon"], "crs": data["crs"], "radius_m": data["radius_m"],
        "starts_at": data["starts_at"], "ends_at": data["ends_at"], "quota": data["quota"],
        "required_skills": [s.code for s in data["required_skills"]], "risky": data["risky"],
        "insurance_note": data["insurance_note"],
    }  # fmt: skip
    if "people_served" in form.fields and data.get("people_served") is not None:
        values["people_served"] = data["people_served"]
    return values


# --- the shift editor ------------------------------------------------------------------------


def shift_rows(source: Any, *, from_data: bool, count: int = SHIFT_ROWS) -> list[dict[str, Any]]:
    """Rows for the editor: from posted data (as typed) or from an activity's shifts."""
    if from_data:
        posted = str(source.get("shift_rows", ""))
        n = min(int(posted), activities.MAX_SHIFTS) if posted.isdigit() else count
        return [_posted_row(source, i) for i in range(n)]
    shifts = list(source.shifts.all()) if source is not None else []
    rows = [
        {"n": i, "id": s.pk, "start": local_at(s.starts_at), "end": local_at(s.ends_at),
         "quota": s.quota}
        for i, s in enumerate(shifts)
    ]  # fmt: skip
    total = min(max(count, len(rows) + 2), activities.MAX_SHIFTS)
    rows += [
        {"n": i, "id": "", "start": "", "end": "", "quota": ""} for i in range(len(rows), total)
    ]
    return rows


def _posted_row(data: Any, i: int) -> dict[str, Any]:
    return {
        "n": i, "id": data.get(f"s{i}_id", ""), "start": data.get(f"s{i}_start", ""),
        "end": data.get(f"s{i}_end", ""), "quota": data.get(f"s{i}_quota", ""),
    }  # fmt: skip


def _parse_at(text: str) -> datetime | None:
    value = parse_datetime(text.strip().replace(" ", "T")) if text.strip() else None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def shifts_from_data(data: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The filled shift rows as the action's ``shifts`` list, and the rows' format errors."""
    shifts: list[dict[str, Any]] = []
    errors: list[str] = []
    for i in range(activities.MAX_SHIFTS):
        row = _posted_row(data, i)
        start, end = str(row["start"] or ""), str(row["end"] or "")
        quota = str(row["quota"] or "").strip()
        if not (start.strip() or end.strip() or quota):
            continue
        label = f"第{len(shifts) + 1}班次"
        try:
            start_at, end_at = _parse_at(start), _parse_at(end)
        except ValueError:
            start_at = end_at = None
        if start_at is None or end_at is None:
            errors.append(f"{label}的开始、结束时间格式应为 YYYY-MM-DD HH:MM")
            continue
        if not quota.isdigit():
            errors.append(f"{label}的招募人数应为整数")
            continue
        shifts.append({"id": row["id"] or None, "starts_at": start_at, "ends_at": end_at,
                       "quota": int(quota)})  # fmt: skip
    return shifts, errors


# --- small action forms ----------------------------------------------------------------------


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "通过并发布"), ("reject", "不通过")],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label="审核意见", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class CancelForm(StyledForm):
    reason = forms.CharField(
        label="取消原因", max_length=200, error_messages={"required": "请填写取消原因"},
        help_text="将通知已报名的志愿者",
    )  # fmt: skip


class StaffSignupForm(StyledForm):
    """代为报名: the leader signs a volunteer up by the number the volunteer gives."""

    number = forms.CharField(
        label="志愿者编号", max_length=32, error_messages={"required": "请填写志愿者编号"}
    )


class SignupCancelForm(StyledForm):
    reason = forms.CharField(
        label="取消原因", max_length=200, error_messages={"required": "请填写取消报名的原因"},
        help_text="将通知该志愿者",
    )  # fmt: skip


class PeopleServedForm(StyledForm):
    people_served = forms.IntegerField(
        label="服务对象人次", min_value=0, max_value=activities.MAX_PEOPLE_SERVED,
        error_messages={"required": "请填写服务对象人次", "min_value": "服务对象人次不能小于 0"},
    )  # fmt: skip


class CorrectForm(StyledForm):
    check_in_at = _at_field("签到时间")
    check_out_at = _at_field("签退时间")
    reason = forms.CharField(
        label="更正原因", max_length=200, error_messages={"required": "请填写更正原因"}
    )
