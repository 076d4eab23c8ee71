"""Forms of the station management pages.

The schedule editor is plain fields (``always_open``, ``d<day>_<n>_start`` / ``_end`` for up
to three periods a day, ``c<n>_from`` / ``_to`` / ``_reason`` for closures), so it works
without JavaScript; ``schedule_from_data`` turns them into the raw document that
``schedule.parse_schedule`` (in the action) checks.
"""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core import geo
from shegong.ledger.choices import OrgKind
from shegong.ledger.models import Organization
from shegong.web.forms import DATE, DATE_ERRORS, PhotosField, StyledForm

from ..choices import WEEKDAY_LABELS, WEEKDAYS, StationKind, StationStatus
from ..models import Facility, Station
from ..queries import OLDEST

PERIODS_PER_DAY = 3
CLOSURE_ROWS = 3
OPERATOR_KINDS = [OrgKind.PLATFORM, OrgKind.ENTERPRISE, OrgKind.SOCIAL_ORG, OrgKind.OTHER]
YES_NO = [("", "全部"), ("1", "是")]


def operators_for(user: Any) -> Any:
    return (
        Organization.objects.visible_to(user)
        .filter(kind__in=OPERATOR_KINDS)
        .order_by("name")
        .only("pk", "name")
    )


class StationForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=StationKind.choices)
    operator = forms.ModelChoiceField(
        label="运营单位", queryset=Organization.objects.none(), required=False,
        empty_label="（无）",
    )  # fmt: skip
    address = forms.CharField(label="地址", max_length=200)
    lat = forms.FloatField(label="纬度", min_value=-90, max_value=90)
    lon = forms.FloatField(label="经度", min_value=-180, max_value=180)
    crs = forms.ChoiceField(
        label="坐标系", choices=[(c, geo.CRS_LABELS[c]) for c in geo.CRS_CHOICES], initial="wgs84",
        help_text="高德/腾讯/微信坐标选 gcj02，百度选 bd09",
    )  # fmt: skip
    facilities = forms.ModelMultipleChoiceField(
        label="服务设施", queryset=Facility.objects.none(), required=False,
        to_field_name="code", widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    seats = forms.IntegerField(label="座位/容量", required=False, min_value=0, max_value=1000)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    photos = PhotosField(
        label="照片", required=False, help_text="JPEG、PNG 或 WebP，每张不超过 10 MB，最多 9 张"
    )

    def __init__(self, *args: Any, user: Any, station: Station | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.station = station
        self.fields["operator"].queryset = operators_for(user)
        self.fields["facilities"].queryset = Facility.objects.filter(is_active=True)
        self.fields["facilities"].widget.attrs["class"] = "form-check-input"
        if station is not None:
            self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                label="删除照片", required=False, coerce=int,
                choices=[(i, f"第{i + 1}张") for i in range(len(station.photos or []))],
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip


def station_initial(station: Station) -> dict[str, Any]:
    return {
        "name": station.name, "kind": station.kind, "operator": station.operator_id,
        "address": station.address, "lat": station.lat, "lon": station.lon, "crs": "wgs84",
        "facilities": [f.code for f in station.facilities.all()], "seats": station.seats,
        "contact_name": station.contact_name, "contact_phone": station.contact_phone,
    }  # fmt: skip


def schedule_from_data(data: Any) -> dict[str, Any]:
    """The raw schedule document from the editor's fields (empty rows skipped)."""
    week: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        periods = []
        for n in range(PERIODS_PER_DAY):
            start = (data.get(f"d{day}_{n}_start") or "").strip()
            end = (data.get(f"d{day}_{n}_end") or "").strip()
            if start or end:
                periods.append([start, end])
        week[day] = periods
    closures = []
    for n in range(CLOSURE_ROWS):
        start = (data.get(f"c{n}_from") or "").strip()
        end = (data.get(f"c{n}_to") or "").strip()
        reason = (data.get(f"c{n}_reason") or "").strip()
        if start or end or reason:
            closures.append({"from": start, "to": end or start, "reason": reason})
    return {"always_open": data.get("always_open") in ("1", "on", "true"), "week": week,
            "closures": closures}  # fmt: skip


def schedule_rows(source: Any, *, from_data: bool) -> dict[str, Any]:
    """What the editor shows: per weekday its period inputs, then closure rows; from the
    posted fields (after an error) or a stored schedule."""
    raw = schedule_from_data(source) if from_data else (source or {})
    week = raw.get("week") or {}
    days = []
    for day in WEEKDAYS:
        periods = list(week.get(day) or [])[:PERIODS_PER_DAY]
        periods += [["", ""]] * (PERIODS_PER_DAY - len(periods))
        days.append({
            "day": day, "label": WEEKDAY_LABELS[day],
            "periods": [{"n": n, "start": s, "end": e} for n, (s, e) in enumerate(periods)],
        })  # fmt: skip
    closures = list(raw.get("closures") or [])[:CLOSURE_ROWS]
    closures += [{"from": "", "to": "", "reason": ""}] * (CLOSURE_ROWS - len(closures))
    return {
        "always_open": bool(raw.get("always_open")),
        "days": days,
        "closures": [{"n": n, **c} for n, c in enumerate(closures)],
    }


class StatusForm(StyledForm):
    status = forms.ChoiceField(label="新状态", choices=StationStatus.choices)
    reason = forms.CharField(
        label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写变更原因"},
    )  # fmt: skip


class InspectionForm(StyledForm):
    inspected_on = forms.DateField(label="检查日期", widget=DATE, error_messages=DATE_ERRORS)
    defects = forms.CharField(
        label="发现问题", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不合格的检查项会自动写入；无问题则留空",
    )  # fmt: skip
    follow_up = forms.CharField(
        label="整改要求", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def checklist_from_data(station: Station, data: Any) -> list[dict[str, Any]]:
    """One item per facility of the station: ``ok_<code>`` = "1" ok / "0" not ok."""
    items = []
    for facility in station.facilities.all():
        items.append({
            "item": facility.name,
            "ok": data.get(f"ok_{facility.code}", "1") != "0",
            "note": (data.get(f"note_{facility.code}") or "").strip()[:200],
        })  # fmt: skip
    return items


class ResolveForm(StyledForm):
    resolution = forms.CharField(
        label="整改情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写整改情况"},
    )  # fmt: skip


class StationFilterForm(StyledForm):
    q = forms.CharField(
        label="搜索", required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "名称、地址、联系人"}),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部"), *StationKind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *StationStatus.choices]
    )
    region = forms.ChoiceField(label="街道/社区", required=False)
    facility = forms.ChoiceField(label="服务设施", required=False)
    defect = forms.ChoiceField(label="有未整改问题", required=False, choices=YES_NO)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("", "按街道、名称"), (OLDEST, "问题最早的在前")],
        error_messages={"invalid_choice": "未知的排序方式"},
    )  # fmt: skip

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部"), *regions]
        self.fields["facility"].choices = [
            ("", "全部"),
            *Facility.objects.filter(is_active=True).values_list("code", "name"),
        ]
